import { baseConfigSchema, ConfigError, configErrorReport, setVariables } from './config';
import { describeConfigIssues } from './config-messages';
import { createLogger, readableLogsWanted } from './logger';
import { applyMigrations } from './migrations';

/** A migration run needs only the database: no tokens, no identity provider, no embedded fallback. */
const migrateSettingsSchema = baseConfigSchema.pick({ LOG_LEVEL: true }).extend({ DATABASE_URL: baseConfigSchema.shape.DATABASE_URL.unwrap() });

function migrateSettings(env: NodeJS.ProcessEnv) {
  const cleaned = setVariables(env);
  const parsed = migrateSettingsSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(describeConfigIssues(migrateSettingsSchema, parsed.error, cleaned));
  return parsed.data;
}

/**
 * `<service> migrate`: applies the service's committed migrations to DATABASE_URL with the
 * project's own runner (Prisma's CLI needs a native engine it cannot always download) and answers
 * the exit code: 0 done (also when nothing was due), 1 a migration failed, 78 bad configuration.
 * What a Kubernetes Job or a release step runs before the new version starts with MIGRATE_ON_START=false.
 * The database itself must exist (a managed PostgreSQL's user usually may not create one).
 */
export async function migrateCommand(def: { name: string; migrationsDir: string }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let settings: ReturnType<typeof migrateSettings>;
  try {
    settings = migrateSettings(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(configErrorReport(`${def.name}-service`, err, 'cannot migrate'));
    return 78; // EX_CONFIG
  }
  const logger = createLogger(`${def.name}-service`, settings.LOG_LEVEL, { readable: readableLogsWanted() });
  try {
    const applied = await applyMigrations(settings.DATABASE_URL, def.migrationsDir, logger);
    logger.info({ applied }, `${def.name}-service: ${applied.length} migration(s) applied, the schema is up to date`);
    return 0;
  } catch (err) {
    logger.error({ err }, `${def.name}-service: migration failed`);
    return 1;
  }
}
