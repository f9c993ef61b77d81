import path from 'node:path';
import { Router } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { createHttpApp, credentialsFrom, createHttpMetrics, type HttpApp, identityProvider, loadOpenApiDocument, type Logger } from 'service-platform';
import { type AccountClient, accountClient } from './clients/account-client';
import { dependencyHttp } from './clients/answers';
import { type CatalogClient, catalogClient } from './clients/catalog-client';
import { Dependency, type DependencyPolicy } from './clients/resilience/dependency';
import type { OrderConfig } from './config/order-config';
import { dashboardState } from './dashboard/dashboard-state';
import { DependencyHistory } from './dashboard/dependency-history';
import { thisReplica } from './dashboard/replica';
import type { OrderDb } from './data/order-db';
import { type OrderRepository, orderRepository } from './data/order-repository';
import { NO_HOOKS, orderSaga, type SagaHooks } from './domain/order-saga';
import { placeOrderUseCase } from './domain/place-order';
import { type RecoveryWorker, recoveryWorker } from './domain/recovery';
import { settleOrderUseCase } from './domain/settle-order';
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
/** The charts: five minutes of history, one point every five seconds (main.ts's timer samples it). */
export const DASHBOARD_HISTORY = { windowMs: 5 * 60_000, sampleMs: 5_000 };

/** The saga's ports to Catalog and Account. */
export interface OrderClients {
  catalog: CatalogClient;
  account: AccountClient;
}

function httpClients(config: OrderConfig, registry: Registry): OrderClients {
  const policy = dependencyPolicy(config);
  const sockets = config.BULKHEAD_MAX_CONCURRENT;
  return {
    catalog: catalogClient(dependencyHttp(config.CATALOG_URL, config.SERVICE_TOKEN, sockets), new Dependency('catalog', policy, registry)),
    account: accountClient(dependencyHttp(config.ACCOUNT_URL, config.SERVICE_TOKEN, sockets), new Dependency('account', policy, registry)),
  };
}

export interface OrderApp extends HttpApp {
  recovery: RecoveryWorker;
  dependencies: Dependency[];
  /** The dashboard's charts: `sample()` it every DASHBOARD_HISTORY.sampleMs (main.ts does). */
  history: DependencyHistory;
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

/** `clients`: other adapters of the two ports (the benchmark's in-process ones); by default the HTTP clients. */
export function buildOrderApp(deps: {
  config: OrderConfig; db: OrderDb; logger: Logger; validateResponses?: boolean; hooks?: SagaHooks; clients?: (registry: Registry) => OrderClients;
}): OrderApp {
  const { config, db, logger } = deps;
  const metrics = createHttpMetrics('order');
  const { catalog, account } = (deps.clients ?? ((registry) => httpClients(config, registry)))(metrics.registry);
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
    // Every order needs Catalog; Account too unless it is free, which only Catalog's prices tell.
    failFast: () => catalog.dependency.refusalWhileOpen() ?? account.dependency.refusalWhileOpen(),
    retryAfterSeconds: () => Math.max(catalog.dependency.retryAfterSeconds(), account.dependency.retryAfterSeconds()),
  });
  const dependencies = [catalog.dependency, account.dependency];
  // One credentials object: authentication and /dependencies share its key set (its cache and state).
  const credentials = credentialsFrom(config, true);
  const keySet = identityProvider(credentials);
  const routes = Router();
  const settleOrder = settleOrderUseCase({ orders, saga, logger, budgetMs: config.ORDER_REQUEST_BUDGET_MS });
  // The admin token is one shared secret: its holder is "admin"; without it (development) anyone is.
  routes.use(orderRoutes(placeOrder, orders, { settleOrder, operator: config.ADMIN_TOKEN ? 'admin' : 'development' }));
  routes.get('/dependencies', (_req, res) => {
    res.json({ items: dependencies.map((d) => d.snapshot()), identityProvider: keySet?.snapshot() ?? null });
  });
  const history = new DependencyHistory(dependencies, metrics.registry, DASHBOARD_HISTORY);
  routes.use(dashboardRoutes(dashboardState({
    dependencies, orders, registry: metrics.registry, rateWindowMs: DASHBOARD_RATE_WINDOW_MS, lastOrders: DASHBOARD_LAST_ORDERS, history, replica: thisReplica(),
  })));
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
    publicUrl: config.PUBLIC_URL,
    credentials,
    validateResponses: deps.validateResponses,
    pages: dashboardPages(),
  });
  const recovery = recoveryWorker({
    orders, saga, logger, hooks,
    policy: {
      leaseSeconds: config.RECOVERY_LEASE_SECONDS,
      renewEveryMs: config.RECOVERY_LEASE_RENEW_SECONDS * 1000,
      maxOrdersPerPass: config.RECOVERY_MAX_ORDERS_PER_PASS,
      budgetMs: config.COMPENSATION_BUDGET_MS,
      backoff: { baseSeconds: config.RECOVERY_BACKOFF_BASE_SECONDS, maxSeconds: config.RECOVERY_BACKOFF_MAX_SECONDS },
      // Committed before its reservation expired, an order's hold has at least HOLD − RESERVATION TTL
      // left: a quarter of that between tries leaves it four of them at the least.
      committingMaxBackoffSeconds: Math.max(1, (config.HOLD_TTL_SECONDS - config.RESERVATION_TTL_SECONDS) / 4),
    },
  });
  return { ...http, recovery, dependencies, history };
}
