// A consumer of the Order API, typed by a client generated from openapi/order.yaml with
// openapi-typescript and called through openapi-fetch, as a new consumer would. It must type-check
// without a cast; each @ts-expect-error line is a mistake the types must refuse (an unused one
// fails the check, so the types cannot pass by being `unknown`).
import createClient from 'openapi-fetch';
import type { paths } from './generated/order.js';

const client = createClient<paths>({ baseUrl: 'http://localhost:3000' });

export async function placeOrder(token: string, key: string): Promise<string> {
  const { data, error } = await client.POST('/orders', {
    params: { header: { 'Idempotency-Key': key } },
    headers: { authorization: `Bearer ${token}` },
    body: { accountId: 'acc-alice', lines: [{ sku: 'COFFEE-1KG', quantity: 2 }] },
  });
  if (data) {
    const updatedAt: string = data.updatedAt; // always sent, so required
    return `${data.status} ${data.totalCents ?? 0} at ${updatedAt}`;
  }
  if (error.status === 409 && error.code === 'out_of_stock') {
    const short = error.shortages?.map((s) => `${s.sku}: ${s.available} of ${s.requested}`) ?? [];
    // @ts-expect-error a shortage has no `missing` member
    void error.shortages?.[0].missing;
    // @ts-expect-error an out-of-stock answer has no `dependency`
    void error.dependency;
    return `order ${error.orderId ?? '-'} is rejected: ${short.join('; ')}`;
  }
  if (error.status === 409) {
    // @ts-expect-error 409 never carries this code
    if (error.code === 'dependency_unavailable') return 'impossible';
    return error.code; // 'insufficient_credit' | 'request_in_progress'
  }
  if (error.status === 503) {
    const dependency: 'catalog' | 'account' | undefined = error.dependency;
    return `retry later (${dependency ?? 'no dependency'}), order ${error.orderId ?? 'not recorded'}`;
  }
  if (error.status === 400) return error.errors?.map((e) => `${e.field}: ${e.message}`).join('; ') ?? error.code;
  return error.code;
}

export function withoutKey(): void {
  // @ts-expect-error the Idempotency-Key header is required
  void client.POST('/orders', { body: { accountId: 'acc-alice', lines: [{ sku: 'COFFEE-1KG', quantity: 1 }] } });
}
