import { Router } from 'express';
import { DEFAULT_PAGE_SIZE, deadlineOf, mayActFor, principalOf, requireOwnAccount } from 'service-platform';
import type { OrderRepository } from '../data/order-repository';
import { UnknownOrder } from '../domain/order-errors';
import type { PublicStatus } from '../domain/order-state';
import type { OrderRequest, PlaceOrder } from '../domain/place-order';
import type { SettlementRequest, SettleOrder } from '../domain/settle-order';
import { sendOutcome, toOrderDto } from './order-answers';

interface ListQuery {
  accountId?: string;
  status?: PublicStatus;
  limit?: number;
  cursor?: string;
}

/**
 * Who may call what is the document's `security`, checked before the body is read (service-platform
 * `authenticate`): a customer places orders for the account of their token and sees only its orders
 * (another's is 404, so ids cannot be probed); the admin token reads and lists any, and settles an
 * order that needs attention (only the admin token: `operator` names it in the order's record).
 */
export function orderRoutes(placeOrder: PlaceOrder, orders: OrderRepository, settle: { settleOrder: SettleOrder; operator: string }): Router {
  const router = Router();
  router.post('/orders', async (req, res) => {
    requireOwnAccount(principalOf(res), (req.body as OrderRequest).accountId); // 403, nothing recorded
    // The caller's own deadline (X-Request-Budget-Ms), when it gave one: the order keeps to it if it comes first.
    const outcome = await placeOrder(String(req.headers['idempotency-key']), req.body as OrderRequest, deadlineOf(res));
    sendOutcome(res, outcome);
  });
  router.get('/orders', async (req, res) => {
    const { status, limit, cursor } = req.query as ListQuery;
    const principal = principalOf(res);
    const asked = (req.query as ListQuery).accountId;
    if (principal.kind === 'customer' && asked !== undefined && asked !== principal.accountId) {
      return void res.json({ items: [], nextCursor: null }); // another customer's orders: none to see
    }
    const accountId = principal.kind === 'customer' ? principal.accountId : asked;
    const page = await orders.list({ accountId, status }, limit ?? DEFAULT_PAGE_SIZE, cursor);
    res.json({ items: page.items.map(toOrderDto), nextCursor: page.nextCursor });
  });
  router.get('/orders/:orderId', async (req, res) => {
    const order = await orders.find(req.params.orderId);
    if (!order || !mayActFor(principalOf(res), order.accountId)) throw new UnknownOrder(req.params.orderId);
    res.json(toOrderDto(order));
  });
  router.post('/orders/:orderId/settlement', async (req, res) => {
    const order = await settle.settleOrder(req.params.orderId, req.body as SettlementRequest, settle.operator);
    res.json(toOrderDto(order));
  });
  return router;
}
