import { Router } from 'express';
import { DEFAULT_PAGE_SIZE } from 'service-platform';
import type { OrderRepository, OrderStatus } from '../data/order-repository';
import { UnknownOrder } from '../domain/order-errors';
import { type OrderResponse, toOrderDto } from '../domain/order-responses';
import type { OrderRequest } from '../domain/place-order';

interface ListQuery {
  accountId?: string;
  status?: OrderStatus;
  limit?: number;
  cursor?: string;
}

export function orderRoutes(placeOrder: (key: string, req: OrderRequest) => Promise<OrderResponse>, orders: OrderRepository): Router {
  const router = Router();
  router.post('/orders', async (req, res) => {
    const answer = await placeOrder(String(req.headers['idempotency-key']), req.body as OrderRequest);
    res.set(answer.headers).status(answer.status);
    if (answer.problem) res.type('application/problem+json').send(JSON.stringify(answer.body));
    else res.json(answer.body);
  });
  router.get('/orders', async (req, res) => {
    const { accountId, status, limit, cursor } = req.query as ListQuery;
    const filter = { ...(accountId ? { accountId } : {}), ...(status ? { status } : {}) };
    const page = await orders.list(filter, limit ?? DEFAULT_PAGE_SIZE, cursor);
    res.json({ items: page.items.map(toOrderDto), nextCursor: page.nextCursor });
  });
  router.get('/orders/:orderId', async (req, res) => {
    const order = await orders.find(req.params.orderId);
    if (!order) throw new UnknownOrder(req.params.orderId);
    res.json(toOrderDto(order));
  });
  return router;
}
