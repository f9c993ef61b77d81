import path from 'node:path';
import { Router } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { createHttpApp, credentialsFrom, createHttpMetrics, type HttpApp, loadOpenApiDocument, type Logger } from 'service-platform';
import { accountClient } from './clients/account-client';
import { dependencyHttp } from './clients/answers';
import { catalogClient } from './clients/catalog-client';
import { Dependency, type DependencyPolicy } from './clients/resilience/dependency';
import type { OrderConfig } from './config/order-config';
import { dashboardState } from './dashboard/dashboard-state';
import type { OrderDb } from './data/order-db';
import { type OrderRepository, orderRepository } from './data/order-repository';
import { NO_HOOKS, orderSaga, type SagaHooks } from './domain/order-saga';
import { placeOrderUseCase } from './domain/place-order';
import { type RecoveryWorker, recoveryWorker } from './domain/recovery';
import { dashboardPages, dashboardRoutes } from './routes/dashboard-routes';
import { orderRoutes } from './routes/order-routes';
import { SERVICE_DIR } from './service-dir';

export const OPENAPI_FILE = path.join(SERVICE_DIR, '../openapi/order.yaml');

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

/** The dashboard's outcomes per second are averaged over this window; it lists this many orders. */
const DASHBOARD_RATE_WINDOW_MS = 10_000;
const DASHBOARD_LAST_ORDERS = 20;

export interface OrderApp extends HttpApp {
  recovery: RecoveryWorker;
  dependencies: Dependency[];
}

/** The test hook of the configuration: a pause of the request path after the point of no return. */
function configHooks(config: OrderConfig): SagaHooks {
  const pauseMs = config.SAGA_PAUSE_BEFORE_CONFIRM_MS;
  if (pauseMs === 0) return NO_HOOKS;
  return { at: (point, _id, writer) => (point === 'confirm' && writer.kind === 'request' ? new Promise((r) => setTimeout(r, pauseMs)) : undefined) };
}

/** Orders that only a person can settle: counted as they happen, and how many there are now. */
function attentionMetrics(registry: Registry, orders: OrderRepository) {
  const total = new Counter({ name: 'order_needs_attention_total', help: 'Orders that moved to needs_attention', registers: [registry] });
  new Gauge({
    name: 'order_needs_attention', help: 'Orders in needs_attention now (GET /orders?status=needs_attention lists them)', registers: [registry],
    async collect() {
      this.set(await orders.countNeedingAttention());
    },
  });
  return () => total.inc();
}

export function buildOrderApp(deps: { config: OrderConfig; db: OrderDb; logger: Logger; validateResponses?: boolean; hooks?: SagaHooks }): OrderApp {
  const { config, db, logger } = deps;
  const metrics = createHttpMetrics('order');
  const policy = dependencyPolicy(config);
  const sockets = config.BULKHEAD_MAX_CONCURRENT;
  const catalog = catalogClient(dependencyHttp(config.CATALOG_URL, config.SERVICE_TOKEN, sockets), new Dependency('catalog', policy, metrics.registry));
  const account = accountClient(dependencyHttp(config.ACCOUNT_URL, config.SERVICE_TOKEN, sockets), new Dependency('account', policy, metrics.registry));
  const orders = orderRepository(db);
  const hooks = deps.hooks ?? configHooks(config);
  const saga = orderSaga({
    orders, catalog, account, logger, hooks,
    onNeedsAttention: attentionMetrics(metrics.registry, orders),
    policy: {
      reservationTtlSeconds: config.RESERVATION_TTL_SECONDS,
      holdTtlSeconds: config.HOLD_TTL_SECONDS,
      compensationBudgetMs: config.COMPENSATION_BUDGET_MS,
      graceSeconds: config.RECOVERY_GRACE_SECONDS,
    },
  });
  const placeOrder = placeOrderUseCase({
    orders, saga, logger,
    budgetMs: config.ORDER_REQUEST_BUDGET_MS,
    answerReserveMs: 2 * config.ORDER_DB_TIMEOUT_MS,
    keyTtlSeconds: config.IDEMPOTENCY_KEY_TTL_SECONDS,
    graceSeconds: config.RECOVERY_GRACE_SECONDS,
  });
  const dependencies = [catalog.dependency, account.dependency];
  const routes = Router();
  routes.use(orderRoutes(placeOrder, orders));
  routes.get('/dependencies', (_req, res) => {
    res.json({ items: dependencies.map((d) => d.snapshot()) });
  });
  routes.use(dashboardRoutes(dashboardState({ dependencies, orders, registry: metrics.registry, rateWindowMs: DASHBOARD_RATE_WINDOW_MS, lastOrders: DASHBOARD_LAST_ORDERS })));
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
    credentials: credentialsFrom(config, true),
    validateResponses: deps.validateResponses,
    pages: dashboardPages(),
  });
  const recovery = recoveryWorker({
    orders, saga, logger, hooks,
    policy: {
      leaseSeconds: config.RECOVERY_LEASE_SECONDS,
      batchSize: config.RECOVERY_BATCH_SIZE,
      budgetMs: config.COMPENSATION_BUDGET_MS,
      backoff: { baseSeconds: config.RECOVERY_BACKOFF_BASE_SECONDS, maxSeconds: config.RECOVERY_BACKOFF_MAX_SECONDS },
    },
  });
  return { ...http, recovery, dependencies };
}
