import type { RequestHandler } from 'express';
import { ValidationFailed } from './errors';

/**
 * The query parser drops a parameter with an empty name (`?=1`), so the validator, which refuses
 * `?foo=1` as an unknown parameter, never sees it. Refused here the same way: 400
 * validation_failed naming the query.
 */
export const refuseNamelessQueryParameters: RequestHandler = (req, _res, next) => {
  const at = req.originalUrl.indexOf('?');
  if (at < 0) return next();
  const names = [...new URLSearchParams(req.originalUrl.slice(at + 1)).keys()];
  if (names.includes('')) return next(new ValidationFailed([{ field: 'query', message: "Unknown query parameter '' (a parameter needs a name)" }]));
  next();
};
