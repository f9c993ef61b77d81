import { baseConfigSchema } from 'service-platform';
import { z } from 'zod';

export const accountConfigSchema = baseConfigSchema
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(3002).meta({ doc: 'the port Account listens on' }),
    HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300).meta({ doc: 'how long a hold keeps credit when its caller does not say' }),
    HOLD_MAX_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600).meta({ doc: 'the longest hold a caller may ask for (a longer one is refused)' }),
    EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000).meta({ doc: 'how often expired holds are swept and their credit returned' }),
  })
  // A default longer than the maximum would hand out holds no caller may ask for: fail at start-up.
  .refine((c) => c.HOLD_TTL_SECONDS <= c.HOLD_MAX_TTL_SECONDS, {
    path: ['HOLD_TTL_SECONDS'],
    message: 'must not exceed HOLD_MAX_TTL_SECONDS',
  });

export type AccountConfig = z.infer<typeof accountConfigSchema>;
