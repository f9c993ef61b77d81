import './instrument'; // first: tracing (when configured) must be in place before anything else loads
import path from 'node:path';
import { runService, startPeriodicTask, untraced } from 'service-platform';
import { buildCatalogApp } from './app';
import { catalogConfigSchema } from './config/catalog-config';
import { createCatalogDb } from './data/catalog-db';
import { seedCatalog } from './seed';
import { SERVICE_DIR } from './service-dir';

void runService({
  name: 'catalog',
  configSchema: catalogConfigSchema,
  migrationsDir: path.join(SERVICE_DIR, 'prisma/migrations'),
  connect: (url, config) => createCatalogDb(url, config.DB_POOL_SIZE),
  seed: seedCatalog,
  start({ config, db, logger }) {
    const http = buildCatalogApp({ config, db, logger });
    const sweeper = startPeriodicTask('reservation expiry', untraced(() => http.reservations.expireDue()), config.EXPIRY_SWEEP_INTERVAL_MS, logger, {
      stopTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
    void sweeper.runNow();
    return { http, stop: () => sweeper.stop() };
  },
});
