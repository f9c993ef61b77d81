import type { Router } from 'express';
import type { RouteTable } from './routing';

interface Layer {
  rawPath?: unknown;
  slash?: boolean;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** "METHOD /path/:param" for every route registered on the router, nested routers included. */
function registered(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${String(layer.route!.path)}`);
    }
    if (!layer.handle?.stack) return [];
    if (!layer.slash) throw new Error(`a router mounted at ${String(layer.rawPath)}: mount service routers at the root, so each route's path is its document path`);
    return registered(layer.handle.stack);
  });
}

/**
 * The service's routes and its document's operations, one to one: a route the document does not
 * declare would run with no security requirement to check, and an operation without a route would
 * be a documented 404. Checked when the app is built, so such a service never starts.
 */
export function assertRoutesMatchDocument(routes: Router, table: RouteTable): void {
  const documented = new Set(table.operations.map((o) => `${o.method} ${o.template.replace(/\{([^}]+)\}/g, ':$1')}`));
  const present = new Set(registered((routes as unknown as { stack: Layer[] }).stack));
  const undocumented = [...present].filter((r) => !documented.has(r));
  const missing = [...documented].filter((r) => !present.has(r));
  if (undocumented.length + missing.length === 0) return;
  throw new Error([
    ...undocumented.map((r) => `route ${r} is not an operation of the OpenAPI document`),
    ...missing.map((r) => `operation ${r} of the OpenAPI document has no route`),
  ].join('; '));
}
