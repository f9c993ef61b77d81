import { baseConfigSchema, defaultDbTimeoutMs } from 'service-platform';
import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** Every variable Order reads, each with what it does (docs/configuration.md is generated from these). */
export const orderSettings = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).meta({ doc: 'the port Order listens on' }),
  CATALOG_URL: z.url().default('http://localhost:3001').meta({ doc: 'where Order reaches Catalog' }),
  ACCOUNT_URL: z.url().default('http://localhost:3002').meta({ doc: 'where Order reaches Account' }),
  ORDER_REQUEST_BUDGET_MS: z.coerce.number().int().min(50).max(60_000).default(3_000).meta({ doc: 'every POST /orders is answered within this many milliseconds (a caller may ask for less with X-Request-Budget-Ms)' }),
  RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3).meta({ doc: 'attempts per call to a dependency; only network errors, timeouts and 502/503/504 are retried' }),
  RETRY_BASE_DELAY_MS: ms(25).meta({ doc: 'the backoff before the first retry (full jitter, doubling)' }),
  RETRY_MAX_DELAY_MS: ms(250).meta({ doc: 'the longest backoff between two attempts' }),
  BREAKER_ERROR_THRESHOLD_PERCENT: z.coerce.number().int().min(1).max(100).default(50).meta({ doc: 'the share of failed calls that opens a dependency\'s breaker' }),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(5).meta({ doc: 'calls within the window before the breaker may open' }),
  BREAKER_RESET_MS: z.coerce.number().int().min(10).default(5_000).meta({ doc: 'how long an open breaker refuses before it lets a trial call through' }),
  BREAKER_WINDOW_MS: z.coerce.number().int().min(100).default(10_000).meta({ doc: 'the rolling window the breaker counts over' }),
  BULKHEAD_MAX_CONCURRENT: z.coerce.number().int().min(1).default(64).meta({ doc: 'calls in flight per dependency; one more is refused at once (503)' }),
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).default(120).meta({ doc: 'how long Order asks Catalog to hold the stock of an order' }),
  HOLD_TTL_SECONDS: z.coerce.number().int().min(1).default(300).meta({ doc: 'how long Order asks Account to hold the credit of an order; longer than the reservation' }),
  COMPENSATION_BUDGET_MS: z.coerce.number().int().min(50).default(2_000).meta({ doc: 'the budget of releases sent after a request\'s own budget, and of recovery\'s calls for one order' }),
  IDEMPOTENCY_KEY_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400).meta({ doc: 'how long a key replays its order; a key is never freed while its order is unfinished or owes releases' }),
  /** Bounds every database wait of Order: the pool's connection timeout, and the statement and lock timeouts. */
  ORDER_DB_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).optional().meta({ doc: 'bounds every database wait of Order (the pool\'s connection, statement and lock timeouts); default an eighth of the budget, at most 250' }),
  RECOVERY_GRACE_SECONDS: z.coerce.number().int().min(1).default(30).meta({ doc: 'how long an order is left to its request before recovery may take it (database clock)' }),
  RECOVERY_INTERVAL_SECONDS: z.coerce.number().min(0.1).default(2).meta({ doc: 'how often a replica looks for due orders' }),
  RECOVERY_MAX_ORDERS_PER_PASS: z.coerce.number().int().min(1).max(100_000).default(1000).meta({ doc: 'the most orders one recovery pass takes, one at a time' }),
  RECOVERY_LEASE_SECONDS: z.coerce.number().min(0.5).max(600).default(5).meta({ doc: 'a recovery worker\'s lease on the one order it works on, renewed while it works: a stalled replica\'s order is free again this soon' }),
  RECOVERY_LEASE_RENEW_SECONDS: z.coerce.number().min(0.1).default(1).meta({ doc: 'how often a worker renews its lease while it works' }),
  RECOVERY_BACKOFF_BASE_SECONDS: z.coerce.number().min(0.1).default(2).meta({ doc: 'an order recovery could not finish is due again after base × 2^attempts' }),
  RECOVERY_BACKOFF_MAX_SECONDS: z.coerce.number().min(1).default(300).meta({ doc: '… at most this long' }),
  SAGA_PAUSE_BEFORE_CONFIRM_MS: ms(0).meta({ doc: 'test hook (the fault tests): the request path waits this long after the point of no return; refused in production' }),
});

export const orderConfigSchema = orderSettings
  .transform((c) => ({ ...c, ORDER_DB_TIMEOUT_MS: c.ORDER_DB_TIMEOUT_MS ?? defaultDbTimeoutMs(c.ORDER_REQUEST_BUDGET_MS) }))
  .refine((c) => c.HOLD_TTL_SECONDS > c.RESERVATION_TTL_SECONDS, {
    path: ['HOLD_TTL_SECONDS'],
    message: 'must be longer than RESERVATION_TTL_SECONDS, so a hold outlives the reservation it follows',
  })
  .refine((c) => c.RECOVERY_GRACE_SECONDS >= c.ORDER_REQUEST_BUDGET_MS / 1000 + 1, {
    path: ['RECOVERY_GRACE_SECONDS'],
    message: 'must be at least ORDER_REQUEST_BUDGET_MS / 1000 + 1, so recovery never takes an order whose request is still running',
  })
  .refine((c) => 2 * c.ORDER_DB_TIMEOUT_MS <= c.ORDER_REQUEST_BUDGET_MS / 2, {
    path: ['ORDER_DB_TIMEOUT_MS'],
    message: 'must be at most a quarter of ORDER_REQUEST_BUDGET_MS (twice it is kept back from the budget to record the outcome)',
  })
  // A working owner must keep its lease through one late renewal: two renewal intervals plus the
  // renewal's own database wait.
  .refine((c) => c.RECOVERY_LEASE_SECONDS * 1000 >= 2 * c.RECOVERY_LEASE_RENEW_SECONDS * 1000 + c.ORDER_DB_TIMEOUT_MS, {
    path: ['RECOVERY_LEASE_SECONDS'],
    message: 'must be at least 2 × RECOVERY_LEASE_RENEW_SECONDS + ORDER_DB_TIMEOUT_MS / 1000, so a working owner keeps its lease through one late renewal',
  })
  // Belt and braces: a key is freed only once its order is final with nothing owed, but a retention
  // shorter than an order's longest life would also let a client's honest retry look like a new order.
  .refine((c) => c.IDEMPOTENCY_KEY_TTL_SECONDS >= c.ORDER_REQUEST_BUDGET_MS / 1000 + c.RECOVERY_GRACE_SECONDS + c.HOLD_TTL_SECONDS, {
    path: ['IDEMPOTENCY_KEY_TTL_SECONDS'],
    message: 'must be at least ORDER_REQUEST_BUDGET_MS / 1000 + RECOVERY_GRACE_SECONDS + HOLD_TTL_SECONDS (the longest an order can stay undecided)',
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.SAGA_PAUSE_BEFORE_CONFIRM_MS === 0, {
    path: ['SAGA_PAUSE_BEFORE_CONFIRM_MS'],
    message: 'is a test hook and must be 0 in production',
  });

export type OrderConfig = z.infer<typeof orderConfigSchema>;
