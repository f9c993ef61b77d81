// How the benchmark configures the systems it measures, and the shop it sets up in them (shared by
// the single-system run and the comparison with another commit, bench/against).
import path from 'node:path';
import type { Shop } from '../test-support/order-workload';
import * as phases from './phases';

export const ENV = { NODE_ENV: 'test', LOG_LEVEL: 'error', DB_POOL_SIZE: '20' };
export const ORDER_ENV = {
  ORDER_REQUEST_BUDGET_MS: String(phases.BUDGET_MS), BULKHEAD_MAX_CONCURRENT: '256',
  RESERVATION_TTL_SECONDS: '10', HOLD_TTL_SECONDS: '30', RECOVERY_GRACE_SECONDS: '4', RECOVERY_INTERVAL_SECONDS: '1',
};
export const SWEEP_ENV = { EXPIRY_SWEEP_INTERVAL_MS: '500' };

/** 50 items with ample stock and 50 accounts with ample credit: orders are never refused. */
const shop = (sku: string, account: string): Shop => ({
  items: Array.from({ length: 50 }, (_, i) => ({ sku: `${sku}-${i}`, stock: 10_000_000, priceCents: 100 + i })),
  accounts: Array.from({ length: 50 }, (_, i) => ({ id: `${account}-${i}`, creditLimitCents: 2_000_000_000 })),
});
export const MAIN = shop('BENCH', 'bench-acc');
export const SIDE = shop('BARE', 'bare-acc'); // for the flows that bypass Order (not in its invariants)

export type ServiceKey = 'order' | 'catalog' | 'account';
/** Where each service's preload (service-events.mjs) writes its events, in `dir`. */
export const eventsFilesIn = (dir: string): Record<ServiceKey, string> =>
  ({ order: path.join(dir, 'order.jsonl'), catalog: path.join(dir, 'catalog.jsonl'), account: path.join(dir, 'account.jsonl') });
/** A service's settings that preload service-events.mjs (and `more` modules) with its events file. */
export const eventsPreload = (file: string, more: string[] = []): Record<string, string> => ({
  NODE_OPTIONS: [path.join(__dirname, 'service-events.mjs'), ...more].map((m) => `--import ${m}`).join(' '),
  BENCH_EVENTS_FILE: file,
});

/**
 * The benchmark's settings for startSystem: ENV for all, ORDER_ENV for Order, SWEEP_ENV for Catalog and
 * Account, and `extra(name)` on top for each (e.g. its events preload).
 */
export const benchSystemOptions = (extra: (name: ServiceKey) => Record<string, string> = () => ({})) => ({
  env: ENV,
  perService: { order: { ...ORDER_ENV, ...extra('order') }, catalog: { ...SWEEP_ENV, ...extra('catalog') }, account: { ...SWEEP_ENV, ...extra('account') } },
});
