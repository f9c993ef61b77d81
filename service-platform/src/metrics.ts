import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { routeMatchOf } from './routing';

export interface HttpMetrics {
  registry: Registry;
  middleware: RequestHandler;
}

/**
 * The route the gate matched ("/items/:sku", a page, "/docs/*" for Swagger UI's files), never the
 * raw path, so labels stay few; "unmatched" for a path that is no route.
 */
const routeOf = (res: Parameters<RequestHandler>[1]): string => {
  const match = routeMatchOf(res);
  return match && match.kind !== 'not_found' ? match.label : 'unmatched';
};

/** A registry per app (tests run several apps in one process) with RED metrics for HTTP. */
export function createHttpMetrics(service: string): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    const method = req.method; // as sent: a HEAD is served as GET further on
    res.on('finish', () => end({ method, route: routeOf(res), status: String(res.statusCode) }));
    next();
  };
  return { registry, middleware };
}
