import type { RequestHandler } from 'express';
import type { Logger } from './logger';
import { currentContext } from './request-context';

/** Probes and scrapes: every few seconds each, and of no interest line by line. */
const QUIET = /^\/(livez|readyz|metrics)$/;

/**
 * One log line per request once it is answered (or the client went away): `request completed` at
 * info, `request errored` at error for a 5xx, with the fields pino-http writes (`req.id`, method,
 * url, `res.statusCode`, `responseTime`), which `npm start`'s readable logs and the tracing test read.
 *
 * Written here rather than with pino-http: pino-http makes a child logger per request and runs the
 * request serializer and redaction eagerly, whatever the level (9 % of Catalog's CPU under load in
 * `BENCH_CPU_PROF=1`, most of it for lines that LOG_LEVEL=error then drops). Here a request costs a
 * listener and a clock read; a line is built only when its level is on. Nobody used `req.log`.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (QUIET.test(req.path)) return next();
    const started = performance.now();
    const method = req.method; // as sent: a HEAD is served as GET further on
    const requestId = currentContext()?.requestId;
    let done = false;
    const log = () => {
      if (done) return;
      done = true;
      const failed = res.statusCode >= 500;
      if (!logger.isLevelEnabled(failed ? 'error' : 'info')) return;
      const line = {
        req: { id: requestId, method, url: req.originalUrl, remoteAddress: req.socket.remoteAddress },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - started),
      };
      if (failed) logger.error(line, 'request errored');
      else logger.info(line, res.writableFinished ? 'request completed' : 'request aborted');
    };
    res.once('finish', log);
    res.once('close', log);
    next();
  };
}
