import type { RequestHandler } from 'express';
import { MethodNotAllowed, RouteNotFound } from './errors';
import { type RouteTable, setRouteMatch } from './routing';

/**
 * The first thing every request meets after its log context: the route table decides which
 * operation or page it reaches. A request that reaches neither is a `404` (or a `405` with `Allow`)
 * before any other code runs, so nothing downstream ever sees a request that no route declared.
 */
export function routeGate(table: RouteTable): RequestHandler {
  return (req, res, next) => {
    const match = table.match(req.method, req.path);
    setRouteMatch(res, match);
    if (match.kind === 'not_found') return next(new RouteNotFound(req.method, req.path));
    if (match.kind === 'method_not_allowed') return next(new MethodNotAllowed(req.method, req.path, match.allow));
    next();
  };
}
