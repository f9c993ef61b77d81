import { baseConfigSchema } from 'service-platform';
import { z } from 'zod';

export const accountConfigSchema = baseConfigSchema
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(3002),
    /** How long a hold keeps credit when the caller does not say. */
    HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** The longest hold a caller may ask for. */
    HOLD_MAX_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600),
    /** How often expired holds are swept and their credit returned. */
    EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
  })
  // A default longer than the maximum would hand out holds no caller may ask for: fail at start-up.
  .refine((c) => c.HOLD_TTL_SECONDS <= c.HOLD_MAX_TTL_SECONDS, {
    path: ['HOLD_TTL_SECONDS'],
    message: 'must not exceed HOLD_MAX_TTL_SECONDS',
  });

export type AccountConfig = z.infer<typeof accountConfigSchema>;
