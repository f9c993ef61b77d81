// A consumer of the Catalog's admin API (an inventory tool), typed by a client generated from
// openapi/catalog.yaml: it narrows a stock adjustment's refusal by status and code, and reads its
// members without a cast; each @ts-expect-error line must be refused by the types.
import createClient from 'openapi-fetch';
import type { paths } from './generated/catalog.js';

const client = createClient<paths>({ baseUrl: 'http://localhost:3001' });

export async function adjust(adminToken: string, sku: string, delta: number): Promise<string> {
  const { data, error } = await client.POST('/items/{sku}/stock-adjustments', {
    params: { path: { sku } },
    headers: { authorization: `Bearer ${adminToken}` },
    body: { adjustmentId: 'adj-1', delta, reason: 'recount' },
  });
  if (data) return `stock ${data.stockAfter}`;
  if (error.status === 409 && error.code === 'negative_stock') {
    const available: number | undefined = error.available;
    // @ts-expect-error a stock conflict has no shortages
    void error.shortages;
    return `only ${available ?? '?'} available`;
  }
  // @ts-expect-error 422 is not a code of this operation's 409
  if (error.status === 409 && error.code === 'stock_too_large') return 'impossible';
  return error.code;
}

export async function replaceItem(adminToken: string, etag: string): Promise<string> {
  const { error } = await client.PUT('/items/{sku}', {
    params: { path: { sku: 'COFFEE-1KG' }, header: { 'If-Match': etag } },
    headers: { authorization: `Bearer ${adminToken}` },
    body: { name: 'Coffee', priceCents: 2450, currency: 'EUR', stock: 10 },
  });
  if (error?.status === 412) return `changed since: ${error.code}`;
  if (error?.status === 428) return error.detail ?? error.code;
  return 'written';
}
