import path from 'node:path';
import { Router } from 'express';
import { createHttpApp, createHttpMetrics, type HttpApp, loadOpenApiDocument, type Logger } from 'service-platform';
import { accountClient } from './clients/account-client';
import { dependencyHttp } from './clients/answers';
import { catalogClient } from './clients/catalog-client';
import { Dependency, type DependencyPolicy } from './clients/resilience/dependency';
import type { OrderConfig } from './config/order-config';
import type { OrderDb } from './data/order-db';
import { orderRepository } from './data/order-repository';
import { orderSaga } from './domain/order-saga';
import { placeOrderUseCase } from './domain/place-order';
import { recoveryWorker } from './domain/recovery';
import { orderRoutes } from './routes/order-routes';

export const OPENAPI_FILE = path.resolve(__dirname, '../../openapi/order.yaml');

function dependencyPolicy(config: OrderConfig): DependencyPolicy {
  return {
    breaker: {
      errorThresholdPercentage: config.BREAKER_ERROR_THRESHOLD_PERCENT,
      volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
      resetTimeoutMs: config.BREAKER_RESET_MS,
      rollingWindowMs: config.BREAKER_WINDOW_MS,
    },
    retry: { maxAttempts: config.RETRY_MAX_ATTEMPTS, baseDelayMs: config.RETRY_BASE_DELAY_MS, maxDelayMs: config.RETRY_MAX_DELAY_MS },
    maxConcurrent: config.BULKHEAD_MAX_CONCURRENT,
  };
}

export interface OrderApp extends HttpApp {
  recovery: ReturnType<typeof recoveryWorker>;
  dependencies: Dependency[];
}

export function buildOrderApp(deps: { config: OrderConfig; db: OrderDb; logger: Logger; validateResponses?: boolean }): OrderApp {
  const { config, db, logger } = deps;
  const metrics = createHttpMetrics('order');
  const policy = dependencyPolicy(config);
  const sockets = config.BULKHEAD_MAX_CONCURRENT;
  const catalog = catalogClient(dependencyHttp(config.CATALOG_URL, config.SERVICE_TOKEN, sockets), new Dependency('catalog', policy, metrics.registry));
  const account = accountClient(dependencyHttp(config.ACCOUNT_URL, config.SERVICE_TOKEN, sockets), new Dependency('account', policy, metrics.registry));
  const orders = orderRepository(db);
  const saga = orderSaga({
    orders, catalog, account, logger,
    policy: {
      reservationTtlSeconds: config.RESERVATION_TTL_SECONDS,
      holdTtlSeconds: config.HOLD_TTL_SECONDS,
      compensationBudgetMs: config.COMPENSATION_BUDGET_MS,
      pauseBeforeCommitMs: config.SAGA_PAUSE_BEFORE_COMMIT_MS,
    },
  });
  const placeOrder = placeOrderUseCase({ orders, saga, budgetMs: config.ORDER_REQUEST_BUDGET_MS, keyTtlSeconds: config.IDEMPOTENCY_KEY_TTL_SECONDS });
  const dependencies = [catalog.dependency, account.dependency];
  const routes = Router();
  routes.use(orderRoutes(placeOrder, orders));
  routes.get('/dependencies', (_req, res) => {
    res.json({ items: dependencies.map((d) => d.snapshot()) });
  });
  const http = createHttpApp({
    service: 'order',
    logger,
    openapi: loadOpenApiDocument(OPENAPI_FILE),
    routes,
    metrics,
    // Ready while the database answers; an open breaker is reported in /dependencies, not here:
    // taking Order out of rotation would turn one slow dependency into a full outage.
    readiness: [{ name: 'database', check: () => db.$queryRaw`SELECT 1` }],
    bodyLimit: config.BODY_LIMIT,
    validateResponses: deps.validateResponses,
  });
  const recovery = recoveryWorker({
    orders, catalog, account, saga, logger,
    policy: { graceSeconds: config.RECOVERY_GRACE_SECONDS, leaseSeconds: 60, batchSize: 50, budgetMs: config.COMPENSATION_BUDGET_MS },
  });
  return { ...http, recovery, dependencies };
}
