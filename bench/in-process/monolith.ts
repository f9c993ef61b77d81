// The three domains in one process, a "modular monolith", for the benchmark's cost of distribution:
// Order's own HTTP app (the same routes, validation, authentication, idempotency and the very
// order-saga.ts) with its Catalog and Account ports bound to in-process adapters over those
// services' use-case modules, each module on its own database. Catalog's and Account's HTTP apps
// listen too, only so that the benchmark sets up the shop and checks the invariants through their
// public APIs as it does for the services; no call of the saga goes through them.
// Environment: Order's (PORT, DATABASE_URL for Order's database, AUTH_*, SERVICE_TOKEN, ...), plus
// CATALOG_DATABASE_URL, CATALOG_PORT, ACCOUNT_DATABASE_URL, ACCOUNT_PORT, EXPIRY_SWEEP_INTERVAL_MS.
import type { Server } from 'node:http';
import path from 'node:path';
import type { Express } from 'express';
import { applyMigrations, type BaseConfig, createLogger, ensureDatabase, loadConfig, type Logger, runService, startPeriodicTask, untraced } from 'service-platform';
import type { z } from 'zod';
import { buildAccountApp } from '../../account-service/src/app';
import { SERVICE_DIR as ORDER_DIR } from '../../order-service/src/service-dir';
import { accountConfigSchema } from '../../account-service/src/config/account-config';
import { createAccountDb } from '../../account-service/src/data/account-db';
import { holdService } from '../../account-service/src/domain/holds';
import { buildCatalogApp } from '../../catalog-service/src/app';
import { catalogConfigSchema } from '../../catalog-service/src/config/catalog-config';
import { createCatalogDb } from '../../catalog-service/src/data/catalog-db';
import { reservationService } from '../../catalog-service/src/domain/reservations';
import { buildOrderApp } from '../../order-service/src/app';
import type { OrderDependencies } from '../../order-service/src/clients/dependency-registry';
import { orderConfigSchema } from '../../order-service/src/config/order-config';
import { createOrderDb } from '../../order-service/src/data/order-db';
import { orderRepository } from '../../order-service/src/data/order-repository';
import { inProcessAccount } from './account-adapter';
import { inProcessCatalog } from './catalog-adapter';

const ROOT = path.resolve(ORDER_DIR, '..'); // the services' folders, wherever this file was bundled to

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** A module's configuration (from its own prefixed variables) and its migrated database. */
async function moduleOf<C extends BaseConfig>(prefix: 'CATALOG' | 'ACCOUNT', schema: z.ZodType<C>, logger: Logger) {
  const url = required(`${prefix}_DATABASE_URL`);
  const config = loadConfig(schema, { ...process.env, DATABASE_URL: url, PORT: required(`${prefix}_PORT`) }, { customerAuth: prefix === 'ACCOUNT' });
  await ensureDatabase(url);
  await applyMigrations(url, path.join(ROOT, `${prefix.toLowerCase()}-service/prisma/migrations`), logger);
  return { url, config };
}

const listen = (app: Express, port: number, host: string) => new Promise<Server>((resolve, reject) => {
  const server = app.listen(port, host);
  server.once('listening', () => resolve(server)).once('error', reject);
});

async function main(): Promise<void> {
  const logger = createLogger('in-process', process.env.LOG_LEVEL ?? 'error');
  const catalog = await moduleOf('CATALOG', catalogConfigSchema, logger);
  const account = await moduleOf('ACCOUNT', accountConfigSchema, logger);
  const catalogDb = createCatalogDb(catalog.url, catalog.config.DB_POOL_SIZE);
  const accountDb = createAccountDb(account.url, account.config.DB_POOL_SIZE);
  const catalogApp = buildCatalogApp({ config: catalog.config, db: catalogDb, logger });
  const accountApp = buildAccountApp({ config: account.config, db: accountDb, logger });
  const reservations = reservationService(catalogApp.reservations, { defaultSeconds: catalog.config.RESERVATION_TTL_SECONDS, maxSeconds: catalog.config.RESERVATION_MAX_TTL_SECONDS });
  const holds = holdService(accountApp.holds, { defaultSeconds: account.config.HOLD_TTL_SECONDS, maxSeconds: account.config.HOLD_MAX_TTL_SECONDS });
  // In process there is nothing to break, fill or fail fast on: the ports, and an empty registry.
  const dependencies = (): OrderDependencies => ({ stock: inProcessCatalog(reservations), credit: inProcessAccount(holds), registry: [] });
  // The same background work as the services' main.ts.
  const sweepers = [
    startPeriodicTask('reservation expiry', untraced(() => catalogApp.reservations.expireDue()), catalog.config.EXPIRY_SWEEP_INTERVAL_MS, logger),
    startPeriodicTask('hold expiry', untraced(() => accountApp.holds.expireDue()), account.config.EXPIRY_SWEEP_INTERVAL_MS, logger),
  ];
  const servers = await Promise.all([listen(catalogApp.app, catalog.config.PORT, catalog.config.HOST), listen(accountApp.app, account.config.PORT, account.config.HOST)]);
  await runService({
    name: 'order',
    customerAuth: true,
    configSchema: orderConfigSchema,
    migrationsDir: path.join(ROOT, 'order-service/prisma/migrations'),
    connect: (url, config) => createOrderDb(url, config.DB_POOL_SIZE, config.ORDER_DB_TIMEOUT_MS),
    start({ config, db, logger: orderLogger }) {
      const http = buildOrderApp({ config, db, logger: orderLogger, dependencies });
      const recovery = startPeriodicTask('order recovery', () => http.recovery.runOnce(), config.RECOVERY_INTERVAL_SECONDS * 1000, orderLogger);
      const keys = startPeriodicTask('idempotency key purge', () => orderRepository(db).purgeExpiredKeys(), 60_000, orderLogger);
      void recovery.runNow();
      return {
        http,
        stop: async () => {
          await Promise.all([recovery.stop(), keys.stop(), ...sweepers.map((s) => s.stop())]);
          http.dependencies.forEach((d) => d.shutdown());
          servers.forEach((s) => s.close());
          await Promise.all([catalogDb.$disconnect(), accountDb.$disconnect()]);
        },
      };
    },
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
