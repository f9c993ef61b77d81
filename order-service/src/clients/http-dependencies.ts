import type { Registry } from 'prom-client';
import type { OrderConfig } from '../config/order-config';
import { accountClient } from './account-client';
import { catalogClient } from './catalog-client';
import { dependencyHttp } from './dependency-answers';
import type { OrderDependencies } from './dependency-registry';
import { Dependency, type DependencyPolicy } from './resilience/dependency';

/** Breaker, retries and bulkhead of each dependency, from Order's configuration. */
export function dependencyPolicy(config: OrderConfig): DependencyPolicy {
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

/** Catalog and Account over HTTP: the stock and credit ports, each behind its own Dependency (bulkhead, breaker, retries). */
export function httpDependencies(config: OrderConfig, metrics: Registry): OrderDependencies {
  const policy = dependencyPolicy(config);
  const sockets = config.BULKHEAD_MAX_CONCURRENT;
  const catalog = new Dependency('catalog', policy, metrics);
  const account = new Dependency('account', policy, metrics);
  return {
    stock: catalogClient(dependencyHttp(config.CATALOG_URL, config.SERVICE_TOKEN, sockets), catalog),
    credit: accountClient(dependencyHttp(config.ACCOUNT_URL, config.SERVICE_TOKEN, sockets), account),
    // Every order needs Catalog; Account too unless it is free, which only Catalog's prices tell: Catalog first.
    registry: [catalog, account],
  };
}
