// How a person reads the services' pino lines: one line each, time, level, message, and for the
// request log "METHOD url status in N ms (request id)". Used by `npm start` (scripts/readable-logs.ts,
// for its three children) and by a service writing to a terminal on its own (logger.ts).
import type { PrettyOptions } from 'pino-pretty';

/** pino-pretty's options for the project's readable line; `colour` where the output is a terminal. */
export function readableLogOptions(colour: boolean): PrettyOptions {
  return {
    colorize: colour,
    translateTime: 'SYS:HH:MM:ss.l',
    // The request log (request-log.ts) carries the request and response: one line says what counts.
    ignore: 'pid,hostname,service,name,req,res,responseTime',
    messageFormat: (log, messageKey) => {
      const req = log.req as { id?: string; method?: string; url?: string } | undefined;
      const res = log.res as { statusCode?: number } | undefined;
      const msg = String(log[messageKey] ?? '');
      return req?.method ? `${msg}: ${req.method} ${req.url} ${res?.statusCode ?? ''} in ${String(log.responseTime)} ms (request ${req.id})` : msg;
    },
    singleLine: true,
  };
}
