// The document: operations with every local $ref resolved.
// Part of the property-based bad-input tests: see index.ts.
import { loadOpenApiDocument } from 'service-platform';

export type Schema = { [keyword: string]: any };

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
  /** The document's example of the parameter, if it gives one. */
  example?: unknown;
}

export interface DocumentedResponse {
  status: number;
  contentType?: string;
  schema?: Schema;
  /** Headers the response must carry (`required: true`), lower-case, with their schema. */
  requiredHeaders: Map<string, Schema>;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template, e.g. /items/{sku}. */
  path: string;
  parameters: Parameter[];
  body?: { required: boolean; contentType: string; schema: Schema; example?: unknown };
  responses: Map<number, DocumentedResponse>;
  /** The security schemes a request needs one of (empty: open). */
  securitySchemes: string[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Inlines every local $ref (a $ref's sibling keywords win, as in OpenAPI 3.1). */
export function resolveRefs(node: unknown, doc: unknown, stack: string[] = []): any {
  if (Array.isArray(node)) return node.map((n) => resolveRefs(n, doc, stack));
  if (node === null || typeof node !== 'object') return node;
  const { $ref, ...siblings } = node as Record<string, unknown>;
  const resolvedSiblings = Object.fromEntries(Object.entries(siblings).map(([k, v]) => [k, resolveRefs(v, doc, stack)]));
  if (typeof $ref !== 'string') return resolvedSiblings;
  if (!$ref.startsWith('#/')) throw new Error(`only local $refs are supported, not ${$ref}`);
  if (stack.includes($ref)) throw new Error(`recursive $ref ${$ref} is not supported`);
  const target = $ref
    .slice(2)
    .split('/')
    .reduce<any>((n, key) => n?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  if (target === undefined) throw new Error(`unresolved $ref ${$ref}`);
  return { ...resolveRefs(target, doc, [...stack, $ref]), ...resolvedSiblings };
}

/** Every operation of the document at `file` (YAML or JSON), with its $refs resolved. */
export function loadOperations(file: string): Operation[] {
  const raw = loadOpenApiDocument(file);
  const doc = resolveRefs(raw, raw);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const byKey = new Map<string, Parameter>();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        byKey.set(`${p.in}:${p.name}`, { name: p.name, in: p.in, required: p.required === true, schema: p.schema ?? {}, example: p.example });
      }
      let body: Operation['body'];
      if (op.requestBody) {
        const [contentType, media] = Object.entries<any>(op.requestBody.content ?? {})[0] ?? [];
        const example = media?.example ?? Object.values<any>(media?.examples ?? {})[0]?.value;
        if (contentType) body = { required: op.requestBody.required === true, contentType, schema: media.schema ?? {}, example };
      }
      const responses = new Map<number, DocumentedResponse>();
      for (const [code, r] of Object.entries<any>(op.responses ?? {})) {
        const [contentType, media] = Object.entries<any>(r.content ?? {})[0] ?? [];
        const requiredHeaders = new Map(Object.entries<any>(r.headers ?? {}).filter(([, h]) => h.required === true)
          .map(([name, h]) => [name.toLowerCase(), (h.schema ?? {}) as Schema]));
        responses.set(Number(code), { status: Number(code), contentType, schema: media?.schema, requiredHeaders });
      }
      const security: Array<Record<string, unknown>> = op.security ?? doc.security ?? [];
      const open = security.length === 0 || security.some((s) => Object.keys(s).length === 0);
      operations.push({
        operationId: op.operationId ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: [...byKey.values()],
        body,
        responses,
        securitySchemes: open ? [] : security.flatMap((s) => Object.keys(s)),
      });
    }
  }
  return operations;
}
