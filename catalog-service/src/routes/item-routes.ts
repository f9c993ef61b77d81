import { type Request, type Response, Router } from 'express';
import { DEFAULT_PAGE_SIZE, deadlineOf } from 'service-platform';
import { type Expected, type ItemService, versionOf } from '../domain/items';
import type { Item, StockAdjustment } from '../domain/ports';
import type { StockAdjustmentService } from '../domain/stock-adjustments';

interface ListQuery {
  limit?: number;
  cursor?: string;
}

const etagOf = (item: Item) => `"${versionOf(item)}"`;

/** If-Match (RFC 9110 13.1.1): `*`, or strong entity tags; a weak tag never matches. */
export function parseIfMatch(header: string | undefined): Expected | undefined {
  if (header === undefined) return undefined;
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*')) return { any: true };
  return { versions: tags.filter((t) => /^"[^"]*"$/.test(t)).map((t) => t.slice(1, -1)) };
}

function sendItem(res: Response, item: Item, status = 200): void {
  res.setHeader('ETag', etagOf(item));
  res.status(status).json(item);
}

const toAdjustmentDto = (a: StockAdjustment) => ({ ...a, createdAt: a.createdAt.toISOString() });

/** Who may call what is the document's `security`, checked before the body is read (service-platform `authenticate`). */
export function itemRoutes(items: ItemService, adjustments: StockAdjustmentService): Router {
  const router = Router();
  router.get('/items', async (req, res) => {
    const { limit, cursor } = req.query as ListQuery; // validated and coerced by the OpenAPI document
    res.json(await items.list(limit ?? DEFAULT_PAGE_SIZE, cursor));
  });
  router.get('/items/:sku', async (req, res) => {
    sendItem(res, await items.get(req.params.sku));
  });
  router.put('/items/:sku', async (req: Request, res) => {
    const { name, priceCents, currency, stock } = req.body; // validated by the OpenAPI document
    const { item, created } = await items.put({ sku: String(req.params.sku), name, priceCents, currency, stock }, parseIfMatch(req.get('if-match')), deadlineOf(res));
    sendItem(res, item, created ? 201 : 200);
  });
  router.post('/items/:sku/stock-adjustments', async (req: Request, res) => {
    const { adjustmentId, delta, reason } = req.body;
    const { adjustment, created } = await adjustments.adjust({ adjustmentId, sku: String(req.params.sku), delta, reason }, deadlineOf(res));
    res.status(created ? 201 : 200).json(toAdjustmentDto(adjustment));
  });
  return router;
}
