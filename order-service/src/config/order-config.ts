import { baseConfigSchema } from 'service-platform';
import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

export const orderConfigSchema = baseConfigSchema
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    CATALOG_URL: z.url().default('http://localhost:3001'),
    ACCOUNT_URL: z.url().default('http://localhost:3002'),
    /** Every POST /orders ends within this many milliseconds. */
    ORDER_REQUEST_BUDGET_MS: z.coerce.number().int().min(50).max(60_000).default(3_000),
    RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    RETRY_BASE_DELAY_MS: ms(25),
    RETRY_MAX_DELAY_MS: ms(250),
    BREAKER_ERROR_THRESHOLD_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
    BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(5),
    BREAKER_RESET_MS: z.coerce.number().int().min(10).default(5_000),
    BREAKER_WINDOW_MS: z.coerce.number().int().min(100).default(10_000),
    BULKHEAD_MAX_CONCURRENT: z.coerce.number().int().min(1).default(64),
    RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).default(120),
    HOLD_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
    COMPENSATION_BUDGET_MS: z.coerce.number().int().min(50).default(2_000),
    IDEMPOTENCY_KEY_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400),
    RECOVERY_GRACE_SECONDS: z.coerce.number().int().min(1).default(30),
    RECOVERY_INTERVAL_SECONDS: z.coerce.number().min(0.1).default(10),
    /** Test hook (refused in production): a pause between the credit hold and the confirmations. */
    SAGA_PAUSE_BEFORE_COMMIT_MS: ms(0),
  })
  .refine((c) => c.HOLD_TTL_SECONDS > c.RESERVATION_TTL_SECONDS, {
    path: ['HOLD_TTL_SECONDS'],
    message: 'must be longer than RESERVATION_TTL_SECONDS, so a hold outlives the reservation it follows',
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.SAGA_PAUSE_BEFORE_COMMIT_MS === 0, {
    path: ['SAGA_PAUSE_BEFORE_COMMIT_MS'],
    message: 'is a test hook and must be 0 in production',
  });

export type OrderConfig = z.infer<typeof orderConfigSchema>;
