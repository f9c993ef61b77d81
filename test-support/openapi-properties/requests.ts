// Requests: one generated request, its pieces, and the valid and bad-body kinds.
// Part of the property-based bad-input tests: see index.ts.
import fc from 'fast-check';
import type { Operation, Parameter } from './document';
import { type BadBody, badBody, knownFieldNames } from './invalid-values';
import { asParsed, isValid, toJsonText } from './schemas';
import { type Hints, validValue } from './valid-values';

export type Kind = 'valid' | 'body' | 'path' | 'query' | 'headers' | 'content-type' | 'malformed-json' | 'wrong-method' | 'oversized-head';

export type HeaderValue = string | string[];

/** One generated request, printed compactly in fast-check's counterexamples. */
export class GeneratedRequest {
  constructor(
    /** The operation it was made for. */
    readonly operationId: string,
    readonly kind: Kind,
    /** What makes it bad ('' for a valid request). */
    readonly note: string,
    readonly method: string,
    /** As sent on the request line: encoded path and query. */
    readonly path: string,
    readonly headers: Record<string, HeaderValue>,
    readonly body: string | undefined,
    /** The document makes this request invalid: the answer must be a 4xx. */
    readonly mustRefuse: boolean,
    /** It carries a spent X-Request-Budget-Ms: the answer must be 503 service_unavailable. */
    readonly budgetSpent: boolean,
    /** The entity it addresses, read before and after a refusal (a documented GET path). */
    readonly entityPath?: string,
  ) {}

  [fc.toStringMethod](): string {
    return this.describe();
  }

  describe(limit = 300): string {
    const cut = (s: string) => (s.length > limit ? `${JSON.stringify(s.slice(0, limit))}… (${s.length} characters)` : JSON.stringify(s));
    const headers = Object.entries(this.headers).map(([k, v]) => `${k}: ${[v].flat().map(cut).join(' + ')}`);
    return [
      `${this.method} ${cut(this.path)}`,
      `  for ${this.operationId}, kind: ${this.kind}${this.note ? ` (${this.note})` : ''}; must refuse: ${this.mustRefuse}${this.budgetSpent ? '; budget spent' : ''}`,
      ...headers.map((h) => `  ${h}`),
      ...(this.body === undefined ? [] : [`  body: ${cut(this.body)}`]),
    ].join('\n');
  }
}

export interface Target {
  /** Known once the service is started (beforeAll). */
  baseUrl(): string;
  operations: Operation[];
  /** Bearer token per security scheme; when given, the service is expected to check it (401). */
  tokens?: Record<string, string>;
  /** Tokens that look right but must be refused (expired, wrongly signed, `alg: none`, another audience). */
  badTokens?: string[];
  hints?(): Hints;
  /** The state a refused request must leave as it is, read through the API. */
  snapshot(req: GeneratedRequest): Promise<unknown>;
}

export interface Pieces {
  /** Path parameter → its segment as sent (encoded). */
  path: Record<string, string>;
  pathValid: boolean;
  /** Query pairs as sent (encoded). */
  query: Array<[string, string]>;
  headers: Record<string, HeaderValue>;
  /** The body's JSON value (undefined: no body). */
  body?: unknown;
}

/** Percent-encodes every character, even those that need none: the server must decode it to the value. */
export const overEncode = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
/** encodeURIComponent, which throws on a lone surrogate: that one is sent as UTF-8 would carry it (U+FFFD). */
export const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return overEncode(s);
  }
};

export function authHeaders(op: Operation, target: Target): Record<string, string> {
  const scheme = op.securitySchemes.find((s) => target.tokens?.[s]);
  return scheme ? { authorization: `Bearer ${target.tokens![scheme]}` } : {};
}

export function validPieces(op: Operation, target: Target, hints: Hints): fc.Arbitrary<Pieces> {
  const params = (where: Parameter['in']) => op.parameters.filter((p) => p.in === where);
  const path = fc.record(Object.fromEntries(params('path').map((p) => [p.name, validValue(p.schema, hints, p.name).map((v) => enc(String(v)))])));
  const query = fc.tuple(...params('query').map((p) => {
    const pair = validValue(p.schema, hints, p.name).map((v): [string, string] => [p.name, enc(String(v))]);
    return p.required ? pair.map((x) => [x]) : fc.option(pair, { nil: undefined }).map((x) => (x ? [x] : []));
  })).map((lists) => lists.flat());
  const headers = fc.tuple(...params('header').map((p) => {
    const pair = validValue(p.schema, hints, p.name).map((v): [string, string] => [p.name.toLowerCase(), String(v)]);
    return p.required ? pair.map((x) => [x]) : fc.option(pair, { nil: undefined }).map((x) => (x ? [x] : []));
  })).map((pairs) => ({ ...authHeaders(op, target), ...Object.fromEntries(pairs.flat()) }));
  const body = op.body ? validValue(op.body.schema, hints) : fc.constant(undefined);
  return fc.record({ path, query, headers, body }).map((p) => ({ ...p, pathValid: true }));
}

/** The documented GET path the request addresses (the path up to its last parameter), if any. */
function entityPathOf(op: Operation, pieces: Pieces, operations: Operation[]): string | undefined {
  if (!pieces.pathValid) return undefined;
  const segments = op.path.split('/');
  const last = segments.map((s) => /^\{.+\}$/.test(s)).lastIndexOf(true);
  if (last < 0) return undefined;
  const template = segments.slice(0, last + 1).join('/');
  if (!operations.some((o) => o.method === 'GET' && o.path === template)) return undefined;
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => pieces.path[name]);
}

interface Overrides {
  kind: Kind;
  note?: string;
  method?: string;
  mustRefuse: boolean;
  budgetSpent?: boolean;
  /** The body as sent; undefined: the JSON of pieces.body. null: none. */
  bodyText?: string | null;
  /** The content type; undefined: the operation's (when there is a body). null: none. */
  contentType?: string | null;
}

export function assemble(op: Operation, target: Target, pieces: Pieces, o: Overrides): GeneratedRequest {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => pieces.path[name]);
  const query = pieces.query.map(([k, v]) => `${k}=${v}`).join('&');
  const bodyText = o.bodyText === null ? undefined : (o.bodyText ?? (pieces.body === undefined ? undefined : toJsonText(pieces.body)));
  const headers: Record<string, HeaderValue> = { ...pieces.headers };
  const contentType = o.contentType === null ? undefined : (o.contentType ?? (bodyText !== undefined ? (op.body?.contentType ?? 'application/json') : undefined));
  if (contentType !== undefined && !('content-type' in headers)) headers['content-type'] = contentType;
  return new GeneratedRequest(
    op.operationId, o.kind, o.note ?? '', o.method ?? op.method, query ? `${path}?${query}` : path, headers, bodyText,
    o.mustRefuse, o.budgetSpent ?? false, entityPathOf(op, pieces, target.operations),
  );
}

export function validRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  return validPieces(op, target, hints).map((p) => assemble(op, target, p, { kind: 'valid', mustRefuse: false }));
}

export function badBodyRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  const schema = op.body!.schema;
  const whole = fc.constantFrom<BadBody>(
    { note: 'null', value: null }, { note: 'a string', value: 'x' }, { note: 'a number', value: 1 }, { note: 'true', value: true },
    { note: 'an empty array', value: [] }, { note: 'an empty object', value: {} },
  );
  const bodies = fc.oneof({ weight: 1, arbitrary: whole }, { weight: 5, arbitrary: badBody(schema, hints, knownFieldNames(target.operations)) })
    .filter((b) => !isValid(schema, asParsed(b.value)));
  return fc.tuple(validPieces(op, target, hints), bodies).map(([p, b]) => assemble(op, target, { ...p, body: b.value }, { kind: 'body', note: b.note, mustRefuse: true }));
}
