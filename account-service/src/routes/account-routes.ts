import { Router } from 'express';
import { DEFAULT_PAGE_SIZE, deadlineOf, mayActFor, principalOf } from 'service-platform';
import { UnknownAccount } from '../domain/account-errors';
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

/** Who may call what is the document's `security`, checked before the body is read (service-platform `authenticate`). */
export function accountRoutes(accounts: AccountService): Router {
  const router = Router();
  router.get('/accounts', async (req, res) => {
    const { limit, cursor } = req.query as ListQuery; // validated and coerced by the OpenAPI document
    const page = await accounts.list(limit ?? DEFAULT_PAGE_SIZE, cursor);
    res.json({ items: page.items.map(toDto), nextCursor: page.nextCursor });
  });
  router.get('/accounts/:accountId', async (req, res) => {
    // A customer sees their own account only; another's is as unknown as one that does not exist.
    if (!mayActFor(principalOf(res), req.params.accountId)) throw new UnknownAccount(req.params.accountId);
    res.json(toDto(await accounts.get(req.params.accountId)));
  });
  router.put('/accounts/:accountId', async (req, res) => {
    const { name, currency, creditLimitCents } = req.body; // validated by the OpenAPI document
    const { account, created } = await accounts.put({ id: String(req.params.accountId), name, currency, creditLimitCents }, deadlineOf(res));
    res.status(created ? 201 : 200).json(toDto(account));
  });
  return router;
}
