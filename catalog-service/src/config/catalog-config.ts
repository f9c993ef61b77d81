import { baseConfigSchema } from 'service-platform';
import { z } from 'zod';

export const catalogConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001).meta({ doc: 'the port Catalog listens on' }),
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300).meta({ doc: 'how long a reservation holds stock when its caller does not say' }),
  RESERVATION_MAX_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600).meta({ doc: 'the longest reservation a caller may ask for (a longer one is refused)' }),
  EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000).meta({ doc: 'how often expired reservations are swept and their stock returned' }),
});

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;
