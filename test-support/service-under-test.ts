// The one way a test starts a service inside its own process: the real app over real HTTP on an
// ephemeral loopback port, on a fresh database of its own with the service's migrations applied.
// Each service's harness (startCatalog, startAccount, startOrder) says how its app is built and adds
// the calls its tests make; a test about real processes uses system-harness.ts instead.
import type { Express } from 'express';
import { createLogger, type Logger } from 'service-platform';
import { listen, request } from './loopback-http';
import { createTestDatabase } from './test-database';

/** How a service is built, as its harness tells it. */
export interface ServiceRecipe<C, D extends { $disconnect(): Promise<void> }, A extends { app: Express }> {
  /** Names the test database and the logger. */
  name: string;
  /** The service's prisma/migrations folder. */
  migrations: string;
  /** The service's configuration from these variables (NODE_ENV=test unless they say otherwise). */
  config(env: Record<string, string>): C;
  createDb(databaseUrl: string, config: C): D;
  buildApp(deps: { config: C; db: D; logger: Logger; validateResponses: true }): A;
}

export interface StartOptions {
  /** A database that already holds the service's schema (default: a new one on the tests' PostgreSQL). */
  databaseUrl?: string;
}

/** Starts the service; `close()` stops listening and disconnects its database. */
export async function startService<C, D extends { $disconnect(): Promise<void> }, A extends { app: Express }>(
  recipe: ServiceRecipe<C, D, A>, env: Record<string, string> = {}, opts: StartOptions = {},
) {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase(recipe.name, recipe.migrations));
  const config = recipe.config({ NODE_ENV: 'test', ...env });
  const db = recipe.createDb(databaseUrl, config);
  const logger = createLogger(`${recipe.name}-test`, process.env.TEST_LOG_LEVEL ?? 'silent');
  const app = recipe.buildApp({ config, db, logger, validateResponses: true });
  const server = await listen(app.app);
  return {
    ...server,
    config,
    db,
    databaseUrl,
    app,
    /** One request to the service: a JSON body in, the JSON (or text) answer out. */
    call: (method: string, p: string, body?: unknown, headers?: Record<string, string>) => request(server.baseUrl, method, p, { body, headers }),
    async close() {
      await server.close();
      await db.$disconnect();
    },
  };
}
