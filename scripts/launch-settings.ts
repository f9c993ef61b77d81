// What `npm start` reads before it starts anything: the three ports (ORDER_PORT, CATALOG_PORT,
// ACCOUNT_PORT; PORT moves Order, the one clients call, when ORDER_PORT is not set), the URLs Order
// calls, and each service's configuration as that service will read it. Every problem in words
// (service-platform's config-messages), so that nothing starts when something is wrong.
import { accountConfigSchema } from '../account-service/src/config/account-config';
import { catalogConfigSchema } from '../catalog-service/src/config/catalog-config';
import { orderConfigSchema } from '../order-service/src/config/order-config';
import { ConfigError, describeConfigIssues, loadConfig, setVariables } from 'service-platform';
import { z } from 'zod';
import type { BuiltService } from './build-services';

export interface Launched { name: BuiltService; port: number; variable: string }

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
export const launcherSettingsSchema = z.object({
  ORDER_PORT: port(3000).meta({ doc: 'the port `npm start` gives Order' }),
  CATALOG_PORT: port(3001).meta({ doc: 'the port `npm start` gives Catalog (Order is told to call it there)' }),
  ACCOUNT_PORT: port(3002).meta({ doc: 'the port `npm start` gives Account (Order is told to call it there)' }),
  PORT: port(3000).optional().meta({ doc: '`npm start`: moves Order when ORDER_PORT is unset (a service started alone reads it as its own port)' }),
  DEV_ISSUER_PORT: port(3009).meta({ doc: "`npm run start:auth`: the development identity provider's port" }),
});

/**
 * The three services' ports, Order first (the order in which they are announced); with `auth`, the
 * development identity provider's port must differ from theirs too. Throws a ConfigError.
 */
export function launchPorts(env: NodeJS.ProcessEnv, opts: { auth?: boolean } = {}): Launched[] {
  const set = setVariables(env);
  const parsed = launcherSettingsSchema.safeParse(set);
  if (!parsed.success) throw new ConfigError(describeConfigIssues(launcherSettingsSchema, parsed.error, set));
  const p = parsed.data;
  const orderVariable = set.ORDER_PORT === undefined && set.PORT !== undefined ? 'PORT' : 'ORDER_PORT';
  const launched: Launched[] = [
    { name: 'order', port: orderVariable === 'PORT' ? p.PORT! : p.ORDER_PORT, variable: orderVariable },
    { name: 'catalog', port: p.CATALOG_PORT, variable: 'CATALOG_PORT' },
    { name: 'account', port: p.ACCOUNT_PORT, variable: 'ACCOUNT_PORT' },
  ];
  const listeners = [...launched, ...(opts.auth ? [{ port: p.DEV_ISSUER_PORT, variable: 'DEV_ISSUER_PORT' }] : [])];
  const clashes = listeners.flatMap((a, i) => listeners.slice(i + 1).filter((b) => b.port === a.port)
    .map((b) => `${a.variable} and ${b.variable}: must differ, each service listens on its own port (both are ${a.port})`));
  if (clashes.length > 0) throw new ConfigError(clashes);
  return launched;
}

/** A note when PORT is set but does not move Order (ORDER_PORT wins): said, not silently ignored. */
export function portNote(env: NodeJS.ProcessEnv): string | undefined {
  const set = setVariables(env);
  if (set.PORT === undefined || set.ORDER_PORT === undefined) return undefined;
  return `PORT=${set.PORT} is not used: ORDER_PORT=${set.ORDER_PORT} moves Order (CATALOG_PORT and ACCOUNT_PORT move the other two).`;
}

const localUrl = (p: number) => `http://localhost:${p}`;

/** The environment of one service as `npm start` gives it: its port, and for Order the URLs of the other two. */
export function serviceEnv(svc: Launched, all: readonly Launched[], env: NodeJS.ProcessEnv): Record<string, string> {
  const portOf = (name: BuiltService) => all.find((s) => s.name === name)!.port;
  return {
    PORT: String(svc.port),
    CATALOG_URL: env.CATALOG_URL || localUrl(portOf('catalog')),
    ACCOUNT_URL: env.ACCOUNT_URL || localUrl(portOf('account')),
  };
}

const SCHEMAS = { order: orderConfigSchema, catalog: catalogConfigSchema, account: accountConfigSchema } as const;
const CUSTOMER_AUTH: readonly BuiltService[] = ['order', 'account'];

/**
 * Each service's configuration checked as the service will check it, with the environment it will
 * get; the sentences of all three together, each once (a shared variable is named once). Throws a ConfigError.
 */
export function checkServiceConfigs(all: readonly Launched[], env: NodeJS.ProcessEnv, extra: Record<string, string>): void {
  const problems = new Map<string, BuiltService[]>();
  for (const svc of all) {
    const childEnv = { ...env, ...extra, DATABASE_URL: env.DATABASE_URL || 'postgresql://localhost/placeholder', ...serviceEnv(svc, all, env) };
    try {
      loadConfig(SCHEMAS[svc.name] as never, childEnv, { customerAuth: CUSTOMER_AUTH.includes(svc.name) });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const p of err.problems) problems.set(p, [...(problems.get(p) ?? []), svc.name]);
    }
  }
  if (problems.size > 0) throw new ConfigError([...problems].map(([p, who]) => (who.length === all.length ? p : `${p} [${who.join(', ')}]`)));
}
