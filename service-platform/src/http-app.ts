import express, { type Express, type Router } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import swaggerUi from 'swagger-ui-express';
import { authenticate, type Credentials } from './auth';
import { createHealth, type Health, type ReadinessCheck } from './health';
import type { Logger } from './logger';
import { createHttpMetrics, type HttpMetrics } from './metrics';
import type { OpenApiDocument } from './openapi-document';
import { problemHandler, routeNotFound } from './problem-middleware';
import { requestContext } from './request-context';
import { requestLog } from './request-log';

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  openapi: OpenApiDocument;
  routes: Router;
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
   */
  pages?: Router;
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
  const servedDoc = { ...opts.openapi, servers: [{ url: '/' }] };
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  app.use(requestContext);
  app.use(requestLog(opts.logger));
  app.use(metrics.middleware);
  app.use(health.router);
  // The document as fetched names the address it came from first, so a client generated from it
  // (in Node, with no page to be relative to) can build URLs; '/' stays for Swagger UI and proxies.
  app.get('/openapi.json', (req, res) => {
    res.json({ ...servedDoc, servers: [{ url: `${req.protocol}://${req.get('host')}`, description: 'where this document was fetched from' }, ...servedDoc.servers] });
  });
  // serveFiles, not serve: serve keeps one document per process, and tests run several apps in one.
  const ui = { customSiteTitle: `${opts.service} API`, swaggerOptions: { validatorUrl: null, displayRequestDuration: true } };
  app.use('/docs', swaggerUi.serveFiles(servedDoc, ui), swaggerUi.setup(servedDoc, ui));
  if (opts.pages) app.use(opts.pages);
  app.use(authenticate(opts.openapi, opts.credentials));
  app.use(express.json({ limit: opts.bodyLimit, type: ['application/json', 'application/*+json'] }));
  app.use(OpenApiValidator.middleware({
    apiSpec: structuredClone(opts.openapi) as never,
    // Parameters are always coerced from strings; bodies never are ("100" is not a number).
    validateRequests: { allowUnknownQueryParameters: false, allErrors: true },
    validateResponses: opts.validateResponses ? { removeAdditional: false } : false,
    validateSecurity: false,
    validateFormats: true,
  }));
  app.use(opts.routes);
  app.use(routeNotFound);
  app.use(problemHandler(opts.logger, opts.bodyLimit));
  return { app, health, metrics };
}
