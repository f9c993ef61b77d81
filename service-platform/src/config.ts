import { z } from 'zod';

/** An environment flag: "true"/"1"/"yes" or "false"/"0"/"no". */
export const envFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const token = z.string().min(16, 'must be at least 16 characters').optional();

/** Settings every service reads. Services extend this with their own. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().default('.data'),
  ADMIN_TOKEN: token,
  SERVICE_TOKEN: token,
  MIGRATE_ON_START: envFlag(true),
  SEED_DEMO_DATA: envFlag(true),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'must look like 100kb').default('100kb'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads configuration from the environment through one schema. Empty variables count as unset.
 * Throws a ConfigError naming every bad variable; in production the credentials are required.
 */
export function loadConfig<S extends z.ZodType<BaseConfig>>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration from the environment:\n${lines.join('\n')}`);
  }
  const config = parsed.data as BaseConfig;
  if (config.NODE_ENV === 'production') {
    const missing = (['ADMIN_TOKEN', 'SERVICE_TOKEN'] as const).filter((k) => !config[k]);
    if (missing.length > 0) {
      throw new ConfigError(`Invalid configuration from the environment:\n${missing.map((k) => `  ${k}: required when NODE_ENV=production`).join('\n')}`);
    }
  }
  return parsed.data;
}
