// `npm start`'s view of the services' logs: each service keeps writing pino JSON to its stdout
// (as it does on its own, in Docker and in production); this side turns every line into one
// readable line, labelled with the service, with pino-pretty. LOG_FORMAT=json shows the JSON as is.
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { prettyFactory } from 'pino-pretty';

const COLOURS = { order: 35, catalog: 36, account: 33 } as const; // magenta, cyan, yellow

export type Labelled = keyof typeof COLOURS;

/** Whether `npm start` should prettify (a terminal, and LOG_FORMAT not json). */
export const wantsReadableLogs = (): boolean => process.env.LOG_FORMAT !== 'json';

/** Prints each line of `stream` as `<service> <time> <LEVEL>: <msg> {fields}`. */
export function showReadable(name: Labelled, stream: Readable, to: NodeJS.WritableStream): void {
  const colour = process.stdout.isTTY;
  const label = colour ? `\x1b[${COLOURS[name]}m${name.padEnd(7)}\x1b[0m` : name.padEnd(7);
  const pretty = prettyFactory({
    colorize: colour,
    translateTime: 'SYS:HH:MM:ss.l',
    // The request log (service-platform request-log.ts) carries the request and response: one line says what counts.
    ignore: 'pid,hostname,service,name,req,res,responseTime',
    messageFormat: (log, messageKey) => {
      const req = log.req as { id?: string; method?: string; url?: string } | undefined;
      const res = log.res as { statusCode?: number } | undefined;
      const msg = String(log[messageKey] ?? '');
      return req?.method ? `${msg}: ${req.method} ${req.url} ${res?.statusCode ?? ''} in ${String(log.responseTime)} ms (request ${req.id})` : msg;
    },
    singleLine: true,
  });
  createInterface({ input: stream }).on('line', (line) => {
    // Not pino's JSON (a config error, a stack trace): shown as it came.
    const shown = line.startsWith('{') ? pretty(line).trimEnd() : line;
    to.write(`${label} ${shown}\n`);
  });
}
