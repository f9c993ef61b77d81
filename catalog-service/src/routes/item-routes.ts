import { Router } from 'express';
import { DEFAULT_PAGE_SIZE, requireBearer } from 'service-platform';
import type { ItemService } from '../domain/items';

interface ListQuery {
  limit?: number;
  cursor?: string;
}

export function itemRoutes(items: ItemService, adminToken: string | undefined): Router {
  const router = Router();
  router.get('/items', async (req, res) => {
    const { limit, cursor } = req.query as ListQuery; // validated and coerced by the OpenAPI document
    res.json(await items.list(limit ?? DEFAULT_PAGE_SIZE, cursor));
  });
  router.get('/items/:sku', async (req, res) => {
    res.json(await items.get(req.params.sku));
  });
  router.put('/items/:sku', requireBearer(adminToken, 'ADMIN_TOKEN'), async (req, res) => {
    const { item, created } = await items.put({ ...req.body, sku: req.params.sku });
    res.status(created ? 201 : 200).json(item);
  });
  return router;
}
