import { Router } from 'express';
import { currentContext, DEFAULT_PAGE_SIZE } from 'service-platform';
import type { OrderRepository } from '../data/order-repository';
import { UnknownOrder } from '../domain/order-errors';
import type { PublicStatus } from '../domain/order-state';
import type { OrderRequest, PlaceOrder } from '../domain/place-order';
import { sendOutcome, toOrderDto } from './order-answers';

interface ListQuery {
  accountId?: string;
  status?: PublicStatus;
  limit?: number;
  cursor?: string;
}

export function orderRoutes(placeOrder: PlaceOrder, orders: OrderRepository): Router {
  const router = Router();
  router.post('/orders', async (req, res) => {
    // The caller's own budget (X-Request-Budget-Ms), when it gave one and it is the smaller.
    const deadline = currentContext()?.deadline;
    const callerBudgetMs = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
    const outcome = await placeOrder(String(req.headers['idempotency-key']), req.body as OrderRequest, callerBudgetMs);
    sendOutcome(req, res, outcome);
  });
  router.get('/orders', async (req, res) => {
    const { accountId, status, limit, cursor } = req.query as ListQuery;
    const page = await orders.list({ accountId, status }, limit ?? DEFAULT_PAGE_SIZE, cursor);
    res.json({ items: page.items.map(toOrderDto), nextCursor: page.nextCursor });
  });
  router.get('/orders/:orderId', async (req, res) => {
    const order = await orders.find(req.params.orderId);
    if (!order) throw new UnknownOrder(req.params.orderId);
    res.json(toOrderDto(order));
  });
  return router;
}
