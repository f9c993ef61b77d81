import path from 'node:path';
import type { z } from 'zod';
import { answerClientErrors } from './client-errors';
import { type BaseConfig, ConfigError, configErrorReport, loadConfig } from './config';
import { ensureDatabase, startEmbeddedPostgres } from './embedded-postgres';
import type { HttpApp } from './http-app';
import { createLogger, type Logger, readableLogsWanted } from './logger';
import { migrateCommand } from './migrate-command';
import { applyMigrations } from './migrations';
import { nextFreePort, portRefusal, portRefusalMessage } from './port-check';
import { gracefulShutdown } from './shutdown';
import { stopTracing, tracingState } from './tracing';

export interface ServiceConfig extends BaseConfig {
  PORT: number;
}

export interface Disconnectable {
  $disconnect(): Promise<void>;
}

export interface ServiceDefinition<C extends ServiceConfig, D extends Disconnectable> {
  /** "catalog", "account", "order": names the logs, the metrics and the embedded database. */
  name: string;
  configSchema: z.ZodType<C>;
  migrationsDir: string;
  connect(databaseUrl: string, config: C): D;
  seed?(db: D, logger: Logger): Promise<void>;
  /** Whether the service verifies customer access tokens (then production requires the AUTH_* settings). */
  customerAuth?: boolean;
  /** Builds the HTTP app and starts background work; `stop` ends that work on shutdown. */
  start(deps: { config: C; db: D; logger: Logger }): { http: HttpApp; stop?: () => Promise<void> };
}

/** Exits 78 with the port, the variable that moves it and its holder when `config.PORT` cannot be listened on. */
async function exitIfPortRefused(who: string, config: ServiceConfig, known?: string): Promise<void> {
  const code = known ?? (await portRefusal(config.PORT, config.HOST));
  if (code === undefined) return;
  const suggestion = code === 'EADDRINUSE' ? await nextFreePort(config.PORT, config.HOST) : undefined;
  process.stderr.write(`${portRefusalMessage({ who, port: config.PORT, host: config.HOST, code, variable: 'PORT', suggestion })}\n`);
  process.exit(78); // EX_CONFIG: the setting, not the program, has to change
}

/**
 * Start-up common to every service: config (fail fast), database (DATABASE_URL, or an embedded
 * PostgreSQL under DATA_DIR), migrations, demo data, HTTP, and graceful shutdown on SIGTERM/SIGINT.
 * With the argument `migrate` (the image's entry point + `migrate`), it only migrates and exits.
 */
export async function runService<C extends ServiceConfig, D extends Disconnectable>(def: ServiceDefinition<C, D>, argv = process.argv.slice(2)): Promise<void> {
  if (argv[0] === 'migrate') process.exit(await migrateCommand(def));
  if (argv.length > 0) {
    process.stderr.write(`${def.name}-service: unknown arguments "${argv.join(' ')}" (none serves; "migrate" migrates and exits)\n`);
    process.exit(64); // EX_USAGE
  }
  let config: C;
  try {
    config = loadConfig(def.configSchema, process.env, { customerAuth: def.customerAuth });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(configErrorReport(`${def.name}-service`, err));
    process.exit(78); // EX_CONFIG
  }
  // Before the database and the migrations: a port in use is said at once, not after a minute's work.
  await exitIfPortRefused(`${def.name}-service`, config);
  const logger = createLogger(`${def.name}-service`, config.LOG_LEVEL, { readable: readableLogsWanted() });
  logger.info({ tracing: tracingState() }, tracingState().on ? 'tracing on' : 'tracing off');
  for (const key of ['ADMIN_TOKEN', 'SERVICE_TOKEN'] as const) {
    if (!config[key]) logger.warn(`${key} is not set: the operations it guards are open to anyone (refused in production)`);
  }
  if (def.customerAuth && !config.AUTH_JWKS_URL) {
    logger.warn('AUTH_JWKS_URL is not set: customer authentication is off, any caller may act for any account (refused in production)');
  }
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(path.join(config.DATA_DIR, `${def.name}-postgres`));
  const databaseUrl = config.DATABASE_URL ?? embedded!.urlFor(def.name);
  if (embedded) logger.info({ databaseUrl }, 'no DATABASE_URL given: using an embedded PostgreSQL');
  await ensureDatabase(databaseUrl);
  if (config.MIGRATE_ON_START) await applyMigrations(databaseUrl, def.migrationsDir, logger);
  const db = def.connect(databaseUrl, config);
  if (config.SEED_DEMO_DATA && def.seed) await def.seed(db, logger);
  const { http, stop } = def.start({ config, db, logger });
  const server = http.app.listen(config.PORT, config.HOST);
  answerClientErrors(server);
  const refused = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => server.once('listening', () => resolve(undefined)).once('error', resolve));
  if (refused) {
    // Taken since the check above: said the same way, after closing what was opened.
    await Promise.allSettled([stop?.(), db.$disconnect(), embedded?.stop()]);
    await exitIfPortRefused(`${def.name}-service`, config, refused.code ?? refused.message);
  }
  const shutdown = gracefulShutdown({
    server,
    health: http.health,
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    resources: [async () => stop?.(), () => db.$disconnect(), async () => embedded?.stop(), stopTracing],
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutdown(signal).then(() => process.exit(0)));
  }
  const { port } = server.address() as { port: number };
  logger.info({ port }, `${def.name}-service listening on http://localhost:${port} (Swagger UI: http://localhost:${port}/docs)`);
}
