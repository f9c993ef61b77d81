import type { Server } from 'node:http';
import type { Health } from './health';
import type { Logger } from './logger';

export interface ShutdownOptions {
  server: Server;
  health: Health;
  logger: Logger;
  timeoutMs: number;
  /** Closed in order after the last in-flight request finished (workers, database, ...). */
  resources: Array<() => Promise<unknown>>;
}

/**
 * Graceful shutdown: readiness off, stop accepting, let in-flight requests finish (cut after
 * `timeoutMs`), then close what the service holds. Returns the function for tests to call.
 */
export function gracefulShutdown(opts: ShutdownOptions): (signal: string) => Promise<void> {
  let closing: Promise<void> | undefined;
  return (signal) => {
    closing ??= (async () => {
      opts.logger.info({ signal }, 'shutting down');
      opts.health.setAcceptingTraffic(false);
      const closed = new Promise<void>((resolve) => opts.server.close(() => resolve()));
      opts.server.closeIdleConnections();
      const force = setTimeout(() => opts.server.closeAllConnections(), opts.timeoutMs);
      force.unref();
      await closed;
      clearTimeout(force);
      for (const close of opts.resources) {
        await close().catch((err: unknown) => opts.logger.error({ err }, 'error while closing'));
      }
      opts.logger.info('stopped');
    })();
    return closing;
  };
}
