import { Router } from 'express';
import { DEFAULT_PAGE_SIZE, requireBearer } from 'service-platform';
import type { Account, AccountService } from '../domain/accounts';

interface ListQuery {
  limit?: number;
  cursor?: string;
}

const toDto = (a: Account) => ({
  id: a.id,
  name: a.name,
  currency: a.currency,
  creditLimitCents: a.creditLimitCents,
  heldCents: a.heldCents,
  usedCents: a.usedCents,
  availableCreditCents: a.availableCreditCents,
});

export function accountRoutes(accounts: AccountService, adminToken: string | undefined): Router {
  const router = Router();
  router.get('/accounts', async (req, res) => {
    const { limit, cursor } = req.query as ListQuery; // validated and coerced by the OpenAPI document
    const page = await accounts.list(limit ?? DEFAULT_PAGE_SIZE, cursor);
    res.json({ items: page.items.map(toDto), nextCursor: page.nextCursor });
  });
  router.get('/accounts/:accountId', async (req, res) => {
    res.json(toDto(await accounts.get(req.params.accountId)));
  });
  router.put('/accounts/:accountId', requireBearer(adminToken, 'ADMIN_TOKEN'), async (req, res) => {
    const { name, currency, creditLimitCents } = req.body; // validated by the OpenAPI document
    const { account, created } = await accounts.put({ id: String(req.params.accountId), name, currency, creditLimitCents });
    res.status(created ? 201 : 200).json(toDto(account));
  });
  return router;
}
