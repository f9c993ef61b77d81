import { z } from 'zod';
import { describeConfigIssues } from './config-messages';

/** An environment flag: "true"/"1"/"yes" or "false"/"0"/"no". */
export const envFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const token = z.string().min(16, 'must be at least 16 characters').meta({ examples: ['$(openssl rand -hex 24)'] }).optional();

/** Settings every service reads. Services extend this with their own. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development').meta({ doc: 'development: a credential left unset leaves what it guards open (with a warning), demo data seeded; production: credentials required, no demo data' }),
  HOST: z.string().default('0.0.0.0').meta({ doc: 'the address the service listens on' }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').meta({ doc: 'the level of the service\'s pino JSON logs' }),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .meta({ description: 'a postgres:// URL', examples: ['postgresql://user:password@localhost:5432/orders'] }).optional().meta({ doc: 'the service\'s own PostgreSQL database; unset: an embedded PostgreSQL under DATA_DIR' }),
  DATA_DIR: z.string().default('.data').meta({ doc: 'where the embedded PostgreSQL keeps its data when DATABASE_URL is unset' }),
  ADMIN_TOKEN: token.meta({ doc: 'the operators\' bearer token: write items and accounts, read everything, settle orders; unset (not in production): open' }),
  SERVICE_TOKEN: token.meta({ doc: 'the bearer token Order sends to Catalog and Account; unset (not in production): open' }),
  MIGRATE_ON_START: envFlag(true).meta({ doc: 'apply pending migrations at start-up; false where a Job runs them (`<service> migrate`)' }),
  SEED_DEMO_DATA: z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional().transform((v) => (v === undefined ? undefined : v === 'true' || v === '1' || v === 'yes')).meta({ doc: 'demo items and accounts into empty tables; default on, except in production (where true is refused)' }),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).meta({ examples: ['https://id.example.com/.well-known/jwks.json'] }).optional().meta({ doc: 'the identity provider\'s key set (https, or http on loopback); with AUTH_ISSUER and AUTH_AUDIENCE it turns customer authentication on in Order and Account' }),
  AUTH_ISSUER: z.string().min(1).meta({ examples: ['https://id.example.com/'] }).optional().meta({ doc: 'the `iss` customer access tokens must carry' }),
  AUTH_AUDIENCE: z.string().min(1).meta({ examples: ['orders'] }).optional().meta({ doc: 'the `aud` customer access tokens must carry' }),
  /** How often, at most, a token with an unknown key id makes us fetch the JWKS again. */
  AUTH_TOKEN_TYP: z.string().min(1).meta({ examples: ['at+jwt'] }).optional().meta({ doc: 'the `typ` header customer access tokens must carry (RFC 9068: at+jwt); unset: not checked' }),
  AUTH_JWKS_COOLDOWN_SECONDS: z.coerce.number().min(0).default(30).meta({ doc: 'at most one key-set refetch per this many seconds for a token whose `kid` is unknown (key rotation)' }),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).meta({ examples: ['https://orders.example.com'] }).optional().meta({ doc: 'where clients reach the service (behind a proxy, the proxy\'s URL), named first in /openapi.json\'s servers; unset: relative' }),
  AUTH_JWKS_MAX_STALE_SECONDS: z.coerce.number().int().positive().default(86_400).meta({ doc: 'how long the last good key set keeps verifying tokens while the identity provider cannot be reached' }),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/, 'must look like 100kb').meta({ description: 'a size in b, kb or mb, such as 100kb' }).default('100kb').meta({ doc: 'the largest request body read' }),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000).meta({ doc: 'after SIGTERM, how long requests in flight may take before the service exits' }),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10).meta({ doc: 'connections in the service\'s database pool' }),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** Bad configuration: `problems` holds one sentence per bad variable (config-messages.ts). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration from the environment:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** What a process prints for a ConfigError before it exits 78 (EX_CONFIG): the sentences, no stack. */
export function configErrorReport(who: string, err: ConfigError, cannot = 'cannot start'): string {
  return [
    `${who} ${cannot}: ${err.problems.length === 1 ? 'a setting is' : 'settings are'} wrong in the environment.`,
    ...err.problems.map((p) => `  ${p}`),
    'Every variable is listed in docs/configuration.md.',
    '',
  ].join('\n');
}

/** The environment as the schemas read it: empty variables count as unset. */
export const setVariables = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));

/**
 * Reads configuration from the environment through one schema. Empty variables count as unset.
 * Throws a ConfigError naming every bad variable; in production the credentials are required.
 */
export function loadConfig<S extends z.ZodType<BaseConfig>>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  opts: { customerAuth?: boolean } = {},
): z.infer<S> {
  const cleaned = setVariables(env);
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(describeConfigIssues(schema, parsed.error, cleaned));
  const config = parsed.data as BaseConfig;
  const problems = configProblems(config, opts.customerAuth ?? false);
  if (problems.length > 0) throw new ConfigError(problems);
  config.SEED_DEMO_DATA ??= config.NODE_ENV !== 'production';
  return parsed.data;
}

/** https, or http to this machine's loopback (a sidecar identity provider). */
function isSecureJwksUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

const AUTH_SETTINGS = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const;

/** What the settings say together: credentials in production, no demo data there, customer auth whole or off. */
function configProblems(config: BaseConfig, customerAuth: boolean): string[] {
  const problems: string[] = [];
  const authSet = AUTH_SETTINGS.filter((k) => config[k] !== undefined);
  if (authSet.length > 0 && authSet.length < AUTH_SETTINGS.length) {
    for (const k of AUTH_SETTINGS.filter((k) => config[k] === undefined)) problems.push(`${k}: required with ${authSet.join(', ')} (customer authentication needs all three)`);
  }
  if (config.NODE_ENV !== 'production') return problems;
  const required = ['ADMIN_TOKEN', 'SERVICE_TOKEN', ...(customerAuth ? AUTH_SETTINGS : [])] as const;
  for (const k of required.filter((k) => !config[k] && !problems.some((p) => p.startsWith(k)))) problems.push(`${k}: required when NODE_ENV=production`);
  if (config.ADMIN_TOKEN && config.ADMIN_TOKEN === config.SERVICE_TOKEN) problems.push('ADMIN_TOKEN: must differ from SERVICE_TOKEN (a service could otherwise act as an admin)');
  if (config.AUTH_JWKS_URL && !isSecureJwksUrl(config.AUTH_JWKS_URL)) problems.push('AUTH_JWKS_URL: must be https:// in production (http only on loopback): keys fetched in clear can be replaced on the way');
  if (config.SEED_DEMO_DATA === true) problems.push('SEED_DEMO_DATA: demo data is never seeded in production (unset it, or set it to false)');
  return problems;
}
