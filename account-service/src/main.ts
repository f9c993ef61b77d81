import './instrument'; // first: tracing (when configured) must be in place before anything else loads
import path from 'node:path';
import { runService, startPeriodicTask, untraced } from 'service-platform';
import { buildAccountApp } from './app';
import { accountConfigSchema } from './config/account-config';
import { createAccountDb } from './data/account-db';
import { seedAccounts } from './seed';
import { SERVICE_DIR } from './service-dir';

void runService({
  name: 'account',
  customerAuth: true,
  configSchema: accountConfigSchema,
  migrationsDir: path.join(SERVICE_DIR, 'prisma/migrations'),
  connect: (url, config) => createAccountDb(url, config.DB_POOL_SIZE),
  seed: seedAccounts,
  start({ config, db, logger }) {
    const http = buildAccountApp({ config, db, logger });
    const sweeper = startPeriodicTask('hold expiry', untraced(() => http.holds.expireDue()), config.EXPIRY_SWEEP_INTERVAL_MS, logger, {
      stopTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
    void sweeper.runNow();
    return { http, stop: () => sweeper.stop() };
  },
});
