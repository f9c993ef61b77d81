import type { Response } from 'express';
import type { OpenApiDocument } from './openapi-document';

/** The security schemes the documents declare. */
export type SchemeName = 'adminToken' | 'serviceToken' | 'customerToken';

/** One operation of the document, with the schemes its `security` accepts. */
export interface Operation {
  operationId: string;
  method: string;
  /** The document's path template, e.g. `/orders/{orderId}`. */
  template: string;
  /** Alternatives: any one scheme of the list is enough. Empty: the document asks for no credential. */
  schemes: SchemeName[];
}

/**
 * A route outside the API document (health, metrics, the document itself, Swagger UI, pages for
 * people): GET (and HEAD) only, never authenticated. `path` ends with `/*` for a folder of files.
 */
export interface PageRoute {
  path: string;
}

/**
 * Where an operation's path parameters are in a request's path: `pattern` matches the template with
 * one group per parameter, in the order of `params`. `alone`: no other template of the document can
 * match a path this one matches, so whoever searches the templates finds this one.
 */
export interface TemplateShape {
  pattern: RegExp;
  params: string[];
  alone: boolean;
}

export type RouteMatch =
  | { kind: 'operation'; operation: Operation; label: string; shape: TemplateShape }
  | { kind: 'page'; label: string }
  | { kind: 'method_not_allowed'; allow: string[]; label: string }
  | { kind: 'not_found' };

export interface RouteTable {
  operations: Operation[];
  match(method: string, path: string): RouteMatch;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
/** HEAD is answered as GET (RFC 9110 §9.3.2), with the same operation and so the same security. */
const asDeclared = (method: string) => (method === 'HEAD' ? 'GET' : method);
const allowOf = (methods: string[]) => (methods.includes('GET') ? [...methods, 'HEAD'] : methods);

/**
 * The one spelling of a path that routes anywhere: case as written, no trailing slash, no empty
 * segment (`//`), no dot segment (`.`, `..`, in any encoding), no encoded slash or backslash. Any
 * other spelling is a 404: a client that follows the document never writes one, and a proxy or a
 * router that normalizes differently cannot make two components disagree on what was asked.
 */
export function isCanonicalPath(path: string): boolean {
  if (path === '/') return true;
  if (!path.startsWith('/') || path.endsWith('/')) return false;
  return path.slice(1).split('/').every((segment) => {
    if (segment === '' || /%2f|%5c|\\/i.test(segment)) return false;
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // Malformed percent-encoding is no dot segment: as a parameter it is the validator's 400.
    }
    return decoded !== '.' && decoded !== '..';
  });
}

interface Compiled {
  template: string;
  label: string;
  shape: TemplateShape;
  literalSegments: number;
  byMethod: Map<string, Operation>;
}

/** `/orders/{orderId}` → `^/orders/([^/]+)$`; literal parts matched exactly, case included. */
function compile(template: string): { shape: Omit<TemplateShape, 'alone'>; label: string; literalSegments: number } {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = template.split(/(\{[^}]+\})/).filter(Boolean);
  const pattern = new RegExp(`^${parts.map((p) => (p.startsWith('{') ? '([^/]+)' : escape(p))).join('')}$`);
  const params = parts.filter((p) => p.startsWith('{')).map((p) => p.slice(1, -1));
  const label = template.replace(/\{([^}]+)\}/g, ':$1');
  return { shape: { pattern, params }, label, literalSegments: template.split('/').filter((s) => s && !s.includes('{')).length };
}

/** Two templates some path matches both of: as many segments, each pair equal or one a parameter. */
function overlap(a: string, b: string): boolean {
  const [as, bs] = [a.split('/'), b.split('/')];
  const isParam = (segment: string) => segment.includes('{');
  return as.length === bs.length && as.every((s, i) => s === bs[i] || isParam(s) || isParam(bs[i]!));
}

function operationsOf(doc: OpenApiDocument): Operation[] {
  const globalSecurity = (doc.security as Array<Record<string, unknown>> | undefined) ?? [];
  return Object.entries(doc.paths).flatMap(([template, item]) =>
    Object.entries(item as Record<string, { operationId?: string; security?: Array<Record<string, unknown>> }>)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({
        operationId: op.operationId ?? `${method} ${template}`,
        method: method.toUpperCase(),
        template,
        schemes: (op.security ?? globalSecurity).flatMap((alternative) => Object.keys(alternative)) as SchemeName[],
      })),
  );
}

/**
 * The routes a service answers: the operations of its OpenAPI document, and a declared list of
 * pages. Everything that decides by route (authentication, the 404 and 405 answers, the metrics'
 * route label) asks this table, so they cannot disagree on which route a request reaches.
 */
export function routeTable(doc: OpenApiDocument, pages: PageRoute[]): RouteTable {
  const operations = operationsOf(doc);
  const compiled = new Map<string, Compiled>();
  const entryOf = (template: string): Compiled => {
    const { shape, ...rest } = compile(template);
    const alone = operations.every((other) => other.template === template || !overlap(other.template, template));
    return { template, shape: { ...shape, alone }, ...rest, byMethod: new Map() };
  };
  for (const operation of operations) {
    const entry = compiled.get(operation.template) ?? entryOf(operation.template);
    entry.byMethod.set(operation.method, operation);
    compiled.set(operation.template, entry);
  }
  // A literal segment wins over a parameter (`/orders/search` before `/orders/{id}`), as in OpenAPI.
  const templates = [...compiled.values()].sort((a, b) => b.literalSegments - a.literalSegments);
  const exactPages = new Set(pages.filter((p) => !p.path.endsWith('/*')).map((p) => p.path));
  const folders = pages.filter((p) => p.path.endsWith('/*')).map((p) => p.path.slice(0, -1));
  const pageLabel = (path: string) => (exactPages.has(path) ? path : folders.find((f) => path === f || path.startsWith(f))?.concat('*'));
  return {
    operations,
    match(method, path) {
      // A folder's index (`/docs/`) is the one trailing slash there is.
      const folderIndex = folders.includes(path);
      if (!folderIndex && !isCanonicalPath(path)) return { kind: 'not_found' };
      const page = pageLabel(path);
      if (page) {
        return asDeclared(method) === 'GET' ? { kind: 'page', label: page } : { kind: 'method_not_allowed', allow: ['GET', 'HEAD'], label: page };
      }
      const entry = templates.find((t) => t.shape.pattern.test(path));
      if (!entry) return { kind: 'not_found' };
      const operation = entry.byMethod.get(asDeclared(method));
      if (!operation) return { kind: 'method_not_allowed', allow: allowOf([...entry.byMethod.keys()]), label: entry.label };
      return { kind: 'operation', operation, label: entry.label, shape: entry.shape };
    },
  };
}

/** What the route gate found for this request; absent only for a request the gate never saw. */
export const routeMatchOf = (res: Response): RouteMatch | undefined => res.locals.routeMatch as RouteMatch | undefined;
export const setRouteMatch = (res: Response, match: RouteMatch): void => void (res.locals.routeMatch = match);
