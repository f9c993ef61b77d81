import { baseConfigSchema } from 'service-platform';
import { z } from 'zod';

export const catalogConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** How long a reservation holds stock when the caller does not say. */
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** The longest hold a caller may ask for. */
  RESERVATION_MAX_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600),
  /** How often expired reservations are swept and their stock returned. */
  EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
});

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;
