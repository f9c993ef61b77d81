import pino, { type DestinationStream, type Logger } from 'pino';
import { readableLogOptions } from './readable-log-format';
import { activeTraceIds } from './spans';
import { tracingState } from './tracing';

export type { Logger };

/**
 * Whether a service started on its own writes readable lines: only to a terminal, and not with
 * LOG_FORMAT=json. Anything else (a pipe, a file, Docker, `npm start`, which prettifies itself) gets JSON.
 */
export const readableLogsWanted = (env: NodeJS.ProcessEnv = process.env): boolean => process.stdout.isTTY === true && env.LOG_FORMAT !== 'json';

/** pino-pretty writing to stdout, when it is installed (a development dependency: not in the images). */
function readableStdout(): DestinationStream | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pretty({ ...readableLogOptions(true), destination: 1, sync: true });
  } catch {
    return undefined;
  }
}

/**
 * JSON logs to stdout, credentials redacted; with tracing on, each line names its trace and span.
 * `readable`: the same lines made readable (readableLogsWanted), where pino-pretty can be loaded.
 */
export function createLogger(service: string, level: string, opts: { readable?: boolean } = {}): Logger {
  const options = {
    name: service,
    level,
    base: { service },
    ...(tracingState().on ? { mixin: activeTraceIds } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.authorization'],
      censor: '[redacted]',
    },
  };
  const readable = opts.readable ? readableStdout() : undefined;
  return readable ? pino(options, readable) : pino(options);
}
