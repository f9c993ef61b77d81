import path from 'node:path';
import { Router } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { answerReserveMs, createHttpApp, credentialsFrom, createHttpMetrics, type HttpApp, identityProvider, loadOpenApiDocument, type Logger } from 'service-platform';
import { availabilityOf, type OrderDependencies } from './clients/dependency-registry';
import { httpDependencies } from './clients/http-dependencies';
import type { Dependency } from './clients/resilience/dependency';
import type { OrderConfig } from './config/order-config';
import { dashboardState } from './dashboard/dashboard-state';
import { DependencyHistory } from './dashboard/dependency-history';
import { thisReplica } from './dashboard/replica';
import type { OrderDb } from './data/order-db';
import { type OrderRepository, orderRepository } from './data/order-repository';
import { orderSaga } from './domain/order-saga';
import { placeOrderUseCase } from './domain/place-order';
import { type RecoveryWorker, recoveryWorker } from './domain/recovery';
import { settleOrderUseCase } from './domain/settle-order';
import { dashboardPages, dashboardRoutes } from './routes/dashboard-routes';
import { orderRoutes } from './routes/order-routes';
import { ORDER_PROBLEMS } from './routes/problems';
import { heldAt, heldBeforeRecovery, pauseBeforeConfirm, type SagaHooks, type SagaPorts } from './saga/saga-hooks';
import { traced } from './saga/saga-spans';
import { SERVICE_DIR } from './service-dir';

export const OPENAPI_FILE = path.join(SERVICE_DIR, '../openapi/order.yaml');

/** The dashboard's outcomes per second are averaged over this window; it lists this many orders. */
const DASHBOARD_RATE_WINDOW_MS = 10_000;
const DASHBOARD_LAST_ORDERS = 20;
/** The charts: five minutes of history, one point every five seconds (main.ts's timer samples it). */
export const DASHBOARD_HISTORY = { windowMs: 5 * 60_000, sampleMs: 5_000 };

export interface OrderApp extends HttpApp {
  recovery: RecoveryWorker;
  dependencies: Dependency[];
  /** The dashboard's charts: `sample()` it every DASHBOARD_HISTORY.sampleMs (main.ts does). */
  history: DependencyHistory;
}

/** The ports as the saga, recovery and settling use them: traced, and held where a test (or the pause) says. */
function sagaPorts(dependencies: OrderDependencies, orders: OrderRepository, hooks: SagaHooks | undefined): SagaPorts {
  const ports = traced({ stock: dependencies.stock, credit: dependencies.credit, orders });
  return hooks ? heldAt(ports, hooks) : ports;
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

/**
 * The one place where Order is wired. `dependencies`: other adapters of the stock and credit ports
 * (the benchmark's in-process ones); by default Catalog and Account over HTTP. `hooks`: test barriers.
 */
export function buildOrderApp(deps: {
  config: OrderConfig; db: OrderDb; logger: Logger; validateResponses?: boolean; hooks?: SagaHooks;
  dependencies?: (metrics: Registry) => OrderDependencies;
}): OrderApp {
  const { config, db, logger } = deps;
  const metrics = createHttpMetrics('order');
  const outbound = (deps.dependencies ?? ((registry) => httpDependencies(config, registry)))(metrics.registry);
  const repository = orderRepository(db);
  const hooks = deps.hooks ?? pauseBeforeConfirm(config.SAGA_PAUSE_BEFORE_CONFIRM_MS);
  const { stock, credit, orders } = sagaPorts(outbound, repository, hooks);
  const saga = orderSaga({
    orders, stock, credit, logger,
    onNeedsAttention: attentionMetrics(metrics.registry, repository),
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
    answerReserveMs: answerReserveMs(config.ORDER_DB_TIMEOUT_MS),
    keyTtlSeconds: config.IDEMPOTENCY_KEY_TTL_SECONDS,
    graceSeconds: config.RECOVERY_GRACE_SECONDS,
    availability: availabilityOf(outbound.registry),
  });
  const dependencies = outbound.registry;
  // One credentials object: authentication and /dependencies share its key set (its cache and state).
  const credentials = credentialsFrom(config, true);
  const keySet = identityProvider(credentials);
  const routes = Router();
  const settleOrder = settleOrderUseCase({ orders, saga, logger, budgetMs: config.ORDER_REQUEST_BUDGET_MS });
  // The admin token is one shared secret: its holder is "admin"; without it (development) anyone is.
  routes.use(orderRoutes(placeOrder, repository, { settleOrder, operator: config.ADMIN_TOKEN ? 'admin' : 'development' }));
  routes.get('/dependencies', (_req, res) => {
    res.json({ items: dependencies.map((d) => d.snapshot()), identityProvider: keySet?.snapshot() ?? null });
  });
  const history = new DependencyHistory(dependencies, DASHBOARD_HISTORY);
  routes.use(dashboardRoutes(dashboardState({
    dependencies, orders: repository, rateWindowMs: DASHBOARD_RATE_WINDOW_MS, lastOrders: DASHBOARD_LAST_ORDERS, history, replica: thisReplica(),
  })));
  const http = createHttpApp({
    service: 'order',
    problems: ORDER_PROBLEMS,
    logger,
    openapi: loadOpenApiDocument(OPENAPI_FILE),
    routes,
    metrics,
    // Ready while the database answers; an open breaker is reported in /dependencies, not here:
    // taking Order out of rotation would turn one slow dependency into a full outage.
    readiness: [{ name: 'database', check: () => db.sql.query('SELECT 1') }],
    bodyLimit: config.BODY_LIMIT,
    publicUrl: config.PUBLIC_URL,
    credentials,
    validateResponses: deps.validateResponses,
    pages: dashboardPages(),
  });
  const recovery = recoveryWorker({
    orders, logger, saga: hooks ? heldBeforeRecovery(saga, hooks) : saga,
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
