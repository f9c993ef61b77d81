import express, { type Express, type RequestHandler, type Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { authenticate, type Credentials } from './auth';
import { createHealth, type Health, type ReadinessCheck } from './health';
import type { Logger } from './logger';
import { createHttpMetrics, type HttpMetrics } from './metrics';
import type { OpenApiDocument } from './openapi-document';
import { openApiValidation } from './openapi-validation';
import type { ProblemTable } from './problem-catalogue';
import { assertRoutesMatchDocument } from './documented-routes';
import { refuseNamelessQueryParameters } from './nameless-query';
import { problemHandler, routeNotFound } from './problem-middleware';
import { requestContext } from './request-context';
import { requestLog } from './request-log';
import { routeGate } from './route-gate';
import { type PageRoute, routeMatchOf, routeTable } from './routing';
import { swaggerUiOptions } from './swagger-ui-options';

/**
 * HEAD is GET without the body (RFC 9110 §9.3.2): the gate matched it to the GET operation, and from
 * here on it is that GET, for the validator (which knows no HEAD) and the routes alike. Node's
 * response was made for a HEAD request and sends no body whatever the handler writes.
 */
const headAsGet: RequestHandler = (req, _res, next) => {
  if (req.method === 'HEAD') req.method = 'GET';
  next();
};

/**
 * Health, the document, Swagger UI and the service's own pages: one router, entered only by a
 * request the gate matched to a page, so that an API request does not walk their layers. A page
 * request none of them answers goes on as before (to the validator's 404).
 */
function pageRouter(opts: HttpAppOptions, health: Health, servedDoc: object): Router {
  // As the app's own router matches: the gate let through only the one spelling.
  const pages = express.Router({ caseSensitive: true, strict: true });
  pages.use(health.router);
  pages.get('/openapi.json', (_req, res) => {
    res.json(servedDoc);
  });
  // serveFiles, not serve: serve keeps one document per process, and tests run several apps in one.
  const ui = swaggerUiOptions(opts.service);
  pages.use('/docs', swaggerUi.serveFiles(servedDoc, ui), swaggerUi.setup(servedDoc, ui));
  if (opts.pages) pages.use(opts.pages.router);
  return pages;
}

const pagesOnly = (pages: Router): RequestHandler => (req, res, next) => (routeMatchOf(res)?.kind === 'page' ? pages(req, res, next) : next());

/** The routes every service has outside its API document: health, metrics, the document, Swagger UI. */
const PLATFORM_PAGES: PageRoute[] = [{ path: '/livez' }, { path: '/readyz' }, { path: '/metrics' }, { path: '/openapi.json' }, { path: '/docs' }, { path: '/docs/*' }];

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  openapi: OpenApiDocument;
  routes: Router;
  /** The service's own problem codes (code → status, title); the platform's are added to them. */
  problems?: ProblemTable;
  readiness: ReadinessCheck[];
  bodyLimit: string;
  /** Validate our own responses against the document (tests turn it on: drift becomes a 500). */
  validateResponses?: boolean;
  metrics?: HttpMetrics;
  /** Who may call what: checked against each operation's `security`, before the body is read. */
  credentials: Credentials;
  /**
   * Pages for people (HTML and its static assets), served like /docs: outside the API document, so
   * before authentication and validation. The data they show comes from documented operations.
   * `paths` declares every path `router` serves (the route gate lets through only those).
   */
  pages?: { paths: string[]; router: Router };
  /** The service's public base URL, named first in the served document's `servers`; unset: relative. */
  publicUrl?: string;
}

export interface HttpApp {
  app: Express;
  health: Health;
  metrics: HttpMetrics;
}

/**
 * The shape of every service: context and logs, metrics, health, docs, then the OpenAPI document
 * validating every request at the edge, the service's routes, and problem+json for everything else.
 */
export function createHttpApp(opts: HttpAppOptions): HttpApp {
  const app = express();
  const metrics = opts.metrics ?? createHttpMetrics(opts.service);
  const health = createHealth(opts.readiness, metrics.registry);
  // Never the request's Host header: a shared cache would keep whatever address a caller claimed.
  const servers = [...(opts.publicUrl ? [{ url: opts.publicUrl }] : []), { url: '/' }];
  const servedDoc = { ...opts.openapi, servers };
  const table = routeTable(opts.openapi, [...PLATFORM_PAGES, ...(opts.pages?.paths ?? []).map((path) => ({ path }))]);
  assertRoutesMatchDocument(opts.routes, table);
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  // The gate already refused every other spelling; the router matches the same way, not leniently.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.use(requestContext);
  app.use(requestLog(opts.logger));
  app.use(metrics.middleware);
  app.use(routeGate(table));
  app.use(pagesOnly(pageRouter(opts, health, servedDoc)));
  app.use(authenticate(opts.credentials));
  app.use(express.json({ limit: opts.bodyLimit, type: ['application/json', 'application/*+json'] }));
  app.use(headAsGet);
  app.use(refuseNamelessQueryParameters);
  app.use(openApiValidation(opts.openapi, opts.validateResponses ?? false));
  app.use(opts.routes);
  app.use(routeNotFound);
  app.use(problemHandler(opts.logger, opts.bodyLimit, opts.problems));
  return { app, health, metrics };
}
