import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Unauthorized } from './errors';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Requires `Authorization: Bearer <token>`, compared in constant time (hashing first makes the
 * lengths equal). With no token configured the operation is open: start-up logs a warning, and
 * production refuses to start without tokens (see loadConfig).
 */
export function requireBearer(expected: string | undefined, realm: string): RequestHandler {
  if (!expected) return (_req, _res, next) => next();
  const expectedDigest = digest(expected);
  return (req, _res, next) => {
    const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]), expectedDigest)) return next();
    next(new Unauthorized(realm));
  };
}
