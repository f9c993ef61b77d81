// `npm start`'s view of the services' logs: each service keeps writing pino JSON to its stdout
// (as it does on its own, in Docker and in production); this side turns every line into one
// readable line, labelled with the service, with pino-pretty. LOG_FORMAT=json shows the JSON as is.
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { prettyFactory } from 'pino-pretty';
import { readableLogOptions } from 'service-platform';

const COLOURS = { order: 35, catalog: 36, account: 33 } as const; // magenta, cyan, yellow

export type Labelled = keyof typeof COLOURS;

/** Whether `npm start` should prettify (a terminal, and LOG_FORMAT not json). */
export const wantsReadableLogs = (): boolean => process.env.LOG_FORMAT !== 'json';

/** Prints each line of `stream` as `<service> <time> <LEVEL>: <msg> {fields}`. */
export function showReadable(name: Labelled, stream: Readable, to: NodeJS.WritableStream): void {
  const colour = process.stdout.isTTY;
  const label = colour ? `\x1b[${COLOURS[name]}m${name.padEnd(7)}\x1b[0m` : name.padEnd(7);
  const pretty = prettyFactory(readableLogOptions(colour));
  createInterface({ input: stream }).on('line', (line) => {
    // Not pino's JSON (a config error, a stack trace): shown as it came.
    const shown = line.startsWith('{') ? pretty(line).trimEnd() : line;
    to.write(`${label} ${shown}\n`);
  });
}
