import pino, { type Logger } from 'pino';
import { activeTraceIds } from './spans';
import { tracingState } from './tracing';

export type { Logger };

/** JSON logs to stdout, credentials redacted; with tracing on, each line names its trace and span. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    ...(tracingState().on ? { mixin: activeTraceIds } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
