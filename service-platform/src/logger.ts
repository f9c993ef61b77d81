import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs to stdout, credentials redacted. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
