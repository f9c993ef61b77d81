import './instrument'; // first: tracing (when configured) must be in place before anything else loads
import path from 'node:path';
import { runService, startPeriodicTask } from 'service-platform';
import { buildOrderApp, DASHBOARD_HISTORY } from './app';
import { orderConfigSchema } from './config/order-config';
import { createOrderDb } from './data/order-db';
import { orderRepository } from './data/order-repository';
import { SERVICE_DIR } from './service-dir';

void runService({
  name: 'order',
  customerAuth: true,
  configSchema: orderConfigSchema,
  migrationsDir: path.join(SERVICE_DIR, 'prisma/migrations'),
  connect: (url, config) => createOrderDb(url, config.DB_POOL_SIZE, config.ORDER_DB_TIMEOUT_MS),
  start({ config, db, logger }) {
    const http = buildOrderApp({ config, db, logger });
    const recovery = startPeriodicTask('order recovery', (signal) => http.recovery.runOnce(signal), config.RECOVERY_INTERVAL_SECONDS * 1000, logger);
    const keys = startPeriodicTask('idempotency key purge', () => orderRepository(db).purgeExpiredKeys(), 60_000, logger);
    // Sampled whether or not anyone watches: the dashboard opened during an outage shows what led to it.
    const history = startPeriodicTask('dashboard history', () => http.history.sample(), DASHBOARD_HISTORY.sampleMs, logger);
    void recovery.runNow(); // at start-up: orders a previous process left pending
    return {
      http,
      stop: async () => {
        await Promise.all([recovery.stop(), keys.stop(), history.stop()]);
        http.dependencies.forEach((d) => d.shutdown());
      },
    };
  },
});
