// Places orders against a running system and checks, through the public APIs only, that nothing
// was lost: stock and credit conserved, nothing left pending, at most one order that is not failed
// per Idempotency-Key, and every answer agreeing with its order's final state.
import { randomUUID } from 'node:crypto';
import { until } from './polling';

export interface ShopItem { sku: string; stock: number; priceCents: number }
export interface ShopAccount { id: string; creditLimitCents: number }
export interface Shop { items: ShopItem[]; accounts: ShopAccount[] }

export interface Attempt { key: string; status: number; orderId?: string; code?: string; ms: number; retryAfter?: string | null }

/** The credentials a workload uses: customers place orders, the admin token reads and checks. */
export interface WorkloadAuth {
  adminToken: string;
  serviceToken: string;
  customerToken(accountId: string): Promise<string>;
}

const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

async function put(url: string, body: unknown, token: string): Promise<void> {
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`PUT ${url}: ${res.status} ${await res.text()}`);
}

/** GET, as the bearer of `token` (the admin token reads every order and account; Catalog's reservations need the service token). */
export async function json(url: string, token?: string): Promise<any> {
  const res = await fetch(url, { headers: bearer(token) });
  return res.json();
}

/** Items and accounts for a run, written through the services' own admin APIs. */
export async function setUpShop(catalogUrl: string, accountUrl: string, shop: Shop, auth: WorkloadAuth): Promise<void> {
  for (const i of shop.items) await put(`${catalogUrl}/items/${i.sku}`, { name: i.sku, priceCents: i.priceCents, currency: 'EUR', stock: i.stock }, auth.adminToken);
  for (const a of shop.accounts) await put(`${accountUrl}/accounts/${a.id}`, { name: a.id, currency: 'EUR', creditLimitCents: a.creditLimitCents }, auth.adminToken);
}

export class Workload {
  readonly attempts: Attempt[] = [];
  private n = 0;
  private readonly bodies = new Map<string, { accountId: string; lines: unknown[] }>();

  constructor(private readonly orderUrl: string, private readonly shop: Shop, private readonly auth: WorkloadAuth) {}

  /** The order a key stands for: 1–2 units of the next item for the next account. */
  private bodyFor(key: string): { accountId: string; lines: unknown[] } {
    if (!this.bodies.has(key)) {
      const item = this.shop.items[this.n % this.shop.items.length];
      const account = this.shop.accounts[this.n++ % this.shop.accounts.length];
      this.bodies.set(key, { accountId: account.id, lines: [{ sku: item.sku, quantity: 1 + (key.charCodeAt(0) % 2) }] });
    }
    return this.bodies.get(key) as { accountId: string; lines: unknown[] };
  }

  /** Places the order for `key` (a retry when the key was used before: same body). */
  async place(key: string = randomUUID(), timeoutMs = 10_000): Promise<Attempt> {
    const body = this.bodyFor(key);
    const token = await this.auth.customerToken(body.accountId); // the customer whose account it is
    const started = Date.now();
    let attempt: Attempt;
    try {
      const res = await fetch(`${this.orderUrl}/orders`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key, ...bearer(token) }, body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = (await res.json().catch(() => ({}))) as { id?: string; orderId?: string; code?: string };
      attempt = { key, status: res.status, orderId: answer.id ?? answer.orderId, code: answer.code, ms: Date.now() - started, retryAfter: res.headers.get('retry-after') };
    } catch {
      attempt = { key, status: 0, ms: Date.now() - started }; // Order itself unreachable (killed)
    }
    this.attempts.push(attempt);
    return attempt;
  }

  /** `concurrency` loops placing orders until `stop()` resolves true; every 5th key is sent twice. */
  async run(concurrency: number, shouldStop: () => boolean, pauseMs = 20): Promise<void> {
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (!shouldStop()) {
        const first = await this.place();
        if (this.attempts.length % 5 === 0) await this.place(first.key);
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    }));
  }
}

/** The final state an answer's status promises. */
const AGREES: Record<number, string> = { 201: 'confirmed', 409: 'rejected', 422: 'rejected', 503: 'failed' };

async function allOrders(orderUrl: string, adminToken: string): Promise<any[]> {
  const orders: any[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: any[]; nextCursor: string | null } = await json(`${orderUrl}/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`, adminToken);
    orders.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return orders;
}

/** The invariants of the Order issue; returns the list of violations (empty when all hold). */
export async function violations(urls: { order: string; catalog: string; account: string }, shop: Shop, attempts: Attempt[], auth: WorkloadAuth): Promise<string[]> {
  const found: string[] = [];
  const orders = await allOrders(urls.order, auth.adminToken);
  const confirmed = orders.filter((o) => o.status === 'confirmed');
  const pending = orders.filter((o) => o.status === 'pending');
  if (pending.length > 0) found.push(`${pending.length} orders still pending`);
  for (const item of shop.items) {
    const available = (await json(`${urls.catalog}/items/${item.sku}`)).stock as number;
    const sold = confirmed.flatMap((o) => o.lines).filter((l: { sku: string }) => l.sku === item.sku).reduce((n: number, l: { quantity: number }) => n + l.quantity, 0);
    if (available < 0 || available + sold !== item.stock) found.push(`${item.sku}: initial ${item.stock} != available ${available} + sold ${sold}`);
  }
  for (const account of shop.accounts) {
    const a = await json(`${urls.account}/accounts/${account.id}`, auth.adminToken);
    const charged = confirmed.filter((o) => o.accountId === account.id).reduce((n: number, o: { totalCents: number }) => n + o.totalCents, 0);
    if (a.usedCents !== charged) found.push(`${account.id}: used ${a.usedCents} != confirmed total ${charged}`);
    if (a.heldCents !== 0) found.push(`${account.id}: ${a.heldCents} still held`);
    if (a.heldCents + a.usedCents > a.creditLimitCents) found.push(`${account.id}: over the limit`);
  }
  for (const o of confirmed) {
    const r = await json(`${urls.catalog}/reservations/${o.id}`, auth.serviceToken);
    const h = await json(`${urls.account}/holds/${o.id}`, auth.serviceToken);
    if (r.status !== 'confirmed' || h.status !== 'captured') found.push(`order ${o.id} confirmed with reservation ${r.status} and hold ${h.status}`);
  }
  if (found.length > 0) {
    // Say which orders hold what they should not (a reservation or hold of an order that is not confirmed).
    for (const o of orders.filter((x) => x.status !== 'confirmed')) {
      const r = await json(`${urls.catalog}/reservations/${o.id}`, auth.serviceToken);
      const h = await json(`${urls.account}/holds/${o.id}`, auth.serviceToken);
      if (['held', 'confirmed'].includes(r.status) || ['held', 'captured'].includes(h.status)) {
        found.push(`order ${o.id} is ${o.status} (${o.reason ?? '-'}) with reservation ${r.status ?? r.code} and hold ${h.status ?? h.code}`);
      }
    }
  }
  const byId = new Map(orders.map((o) => [o.id as string, o]));
  // A key yields at most one order that is not failed (a failed order gives its key back), so at most one charge.
  const byKey = new Map<string, Set<string>>();
  for (const a of attempts.filter((x) => x.orderId)) byKey.set(a.key, (byKey.get(a.key) ?? new Set()).add(a.orderId!));
  for (const [key, ids] of byKey) {
    const live = [...ids].filter((id) => byId.get(id)?.status !== 'failed');
    if (live.length > 1) found.push(`key ${key} produced ${live.length} orders that are not failed`);
  }
  const keys = new Set(attempts.map((a) => a.key)).size;
  const notFailed = orders.filter((o) => o.status !== 'failed').length;
  if (notFailed > keys) found.push(`${notFailed} orders that are not failed for ${keys} keys`);
  // Every answer agrees with the order's final state (202 promised nothing but that it was accepted).
  for (const a of attempts.filter((x) => x.orderId && byId.has(x.orderId) && x.code !== 'request_in_progress')) {
    const expected = AGREES[a.status];
    const status = byId.get(a.orderId!).status;
    if (expected && status !== expected) found.push(`key ${a.key}: answered ${a.status} but order ${a.orderId} is ${status}`);
  }
  return found;
}

/** Waits until the invariants hold (commitments expire, recovery runs), or returns the last violations. */
export async function settle(urls: { order: string; catalog: string; account: string }, shop: Shop, attempts: Attempt[], timeoutMs: number, auth: WorkloadAuth): Promise<string[]> {
  let last: string[] = [];
  await until('the invariants to hold', async () => (last = await violations(urls, shop, attempts, auth)).length === 0, { timeoutMs, everyMs: 250 })
    .catch(() => undefined); // the caller asserts on the violations left
  return last;
}
