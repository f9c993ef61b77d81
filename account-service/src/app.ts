import path from 'node:path';
import { Router } from 'express';
import { createHttpApp, credentialsFrom, type HttpApp, loadOpenApiDocument, type Logger, withMaximum } from 'service-platform';
import type { AccountConfig } from './config/account-config';
import type { AccountDb } from './data/account-db';
import { accountRepository } from './data/account-repository';
import { holdRepository } from './data/hold-repository';
import { accountService } from './domain/accounts';
import { holdService } from './domain/holds';
import { accountRoutes } from './routes/account-routes';
import { holdRoutes } from './routes/hold-routes';
import { ACCOUNT_PROBLEMS } from './routes/problems';
import { SERVICE_DIR } from './service-dir';

export const OPENAPI_FILE = path.join(SERVICE_DIR, '../openapi/account.yaml');

export interface AccountApp extends HttpApp {
  /** For the expiry sweeper (and tests that sweep on demand). */
  holds: ReturnType<typeof holdRepository>;
}

export function buildAccountApp(deps: { config: AccountConfig; db: AccountDb; logger: Logger; validateResponses?: boolean }): AccountApp {
  const { config, db } = deps;
  const holds = holdRepository(db);
  const routes = Router();
  routes.use(accountRoutes(accountService(accountRepository(db))));
  routes.use(holdRoutes(
    holdService(holds, { defaultSeconds: config.HOLD_TTL_SECONDS, maxSeconds: config.HOLD_MAX_TTL_SECONDS }),
  ));
  const http = createHttpApp({
    service: 'account',
    logger: deps.logger,
    openapi: withMaximum(loadOpenApiDocument(OPENAPI_FILE), 'HoldInput', 'ttlSeconds', config.HOLD_MAX_TTL_SECONDS),
    routes,
    problems: ACCOUNT_PROBLEMS,
    readiness: [{ name: 'database', check: () => db.sql.query('SELECT 1') }],
    bodyLimit: config.BODY_LIMIT,
    publicUrl: config.PUBLIC_URL,
    credentials: credentialsFrom(config, true),
    validateResponses: deps.validateResponses,
  });
  return { ...http, holds };
}
