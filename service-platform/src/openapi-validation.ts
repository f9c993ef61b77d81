import type { Request, RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { OpenApiDocument } from './openapi-document';
import { type Operation, routeMatchOf, type TemplateShape } from './routing';

/** What express-openapi-validator's metadata step puts on `req.openapi`, besides the path parameters. */
type OperationMetadata = Record<string, unknown> & { openApiRoute: string };
type WithOpenApi = Request & { openapi?: OperationMetadata & { pathParams: Record<string, string> } };

/**
 * The validator's metadata step, told the operation instead of searching for it. The library's own
 * step compiles every documented route with path-to-regexp on every request until one matches; the
 * route gate has already matched the operation. The first request of each operation still goes
 * through the library's step (which finds the validator's own processed operation schema); what it
 * found is kept, and later requests of that operation get the same metadata with their own path
 * parameters, taken from the same string (`originalUrl` without its query) and decoded the same way.
 * Any request where the gate's match could differ from the library's search (a template another
 * template overlaps, a path the template does not match as the library reads it) takes the library's
 * step as before.
 */
function metadataFromGate(libraryStep: RequestHandler): RequestHandler {
  const found = new Map<Operation, OperationMetadata>();
  return (req, res, next) => {
    const match = routeMatchOf(res);
    const known = match?.kind === 'operation' && match.shape.alone ? found.get(match.operation) : undefined;
    const groups = known && match?.kind === 'operation' ? match.shape.pattern.exec(req.originalUrl.split('?')[0]!) : null;
    if (!known || !groups) {
      return libraryStep(req, res, (err?: unknown) => {
        const openapi = (req as WithOpenApi).openapi;
        if (!err && match?.kind === 'operation' && openapi?.openApiRoute === match.operation.template) {
          const { pathParams: _ignored, ...metadata } = openapi;
          found.set(match.operation, metadata);
        }
        next(err);
      });
    }
    const pathParams = decodedParams((match as { shape: TemplateShape }).shape.params, groups, req.path);
    (req as WithOpenApi).openapi = { ...known, pathParams };
    req.params = pathParams;
    next();
  };
}

/** As the library decodes them: a malformed percent-encoding is its `400 malformed uri'`. */
function decodedParams(names: string[], groups: RegExpExecArray, path: string): Record<string, string> {
  const params: Record<string, string> = {};
  try {
    names.forEach((name, i) => (params[name] = decodeURIComponent(groups[i + 1]!)));
  } catch {
    throw new OpenApiValidator.error.BadRequest({ path, message: `malformed uri'` });
  }
  return params;
}

/**
 * express-openapi-validator's middleware for the document: parameters coerced from strings, bodies
 * never ("100" is not a number), unknown query parameters refused, every error listed. Its metadata
 * step is told the route gate's match (above); its security step, a pass-through with
 * `validateSecurity: false`, and its multipart step (no operation takes multipart) are left out.
 */
export function openApiValidation(doc: OpenApiDocument, validateResponses: boolean): RequestHandler[] {
  const steps = OpenApiValidator.middleware({
    apiSpec: structuredClone(doc) as never,
    validateRequests: { allowUnknownQueryParameters: false, allErrors: true },
    validateResponses: validateResponses ? { removeAdditional: false } : false,
    validateSecurity: false,
    validateFormats: true,
    fileUploader: false,
  }) as RequestHandler[];
  const metadata = steps.find((step) => step.name === 'metadataMiddleware');
  if (!metadata) throw new Error('express-openapi-validator: no metadataMiddleware among its steps (a new version? see openapi-validation.ts)');
  return steps
    .filter((step) => step.name !== 'securityMiddleware')
    .map((step) => (step === metadata ? metadataFromGate(metadata) : step));
}
