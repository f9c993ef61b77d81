import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { AnsweredAs, DomainError, problemHandler } from '../src';
import { listen, request, type RunningApp } from '../../test-support/loopback-http';

const TABLE = {
  dependency_unavailable: { status: 503, title: 'A service this order needs is unavailable' },
  out_of_stock: { status: 409, title: 'Not enough stock' },
};

/** Each way an error reaches the problem middleware, by path. */
const THROWN: Record<string, () => unknown> = {
  '/refused-503': () => new DomainError('dependency_unavailable', 'Catalog is unavailable', { retryAfterSeconds: 3 }),
  '/answered-as-503': () => new AnsweredAs(new DomainError('out_of_stock', 'none left'), 503),
  '/refused-409': () => new DomainError('out_of_stock', 'none left'),
  '/code-in-no-table': () => new DomainError('no_such_code', 'a bug'),
  '/bug': () => new TypeError('x is undefined'),
};

async function appLoggingTo(lines: Array<Record<string, any>>): Promise<RunningApp> {
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const app = express();
  for (const [path, thrown] of Object.entries(THROWN)) app.get(path, () => { throw thrown(); });
  app.use(problemHandler(pino({ level: 'info' }, sink), '100kb', TABLE));
  return listen(app);
}

describe('problemHandler logs', () => {
  let server: RunningApp | undefined;
  afterEach(async () => server?.close());

  test('when the domain answers a 5xx on purpose, then it is a warning with its code and no stack; a 5xx nobody chose is an error with the stack', async () => {
    const lines: Array<Record<string, any>> = [];
    server = await appLoggingTo(lines);
    const statuses: Record<string, number> = {};
    for (const path of Object.keys(THROWN)) statuses[path] = (await request(server.baseUrl, 'GET', path)).status;
    expect(statuses).toEqual({ '/refused-503': 503, '/answered-as-503': 503, '/refused-409': 409, '/code-in-no-table': 500, '/bug': 500 });
    expect(lines.map(({ level, msg, code, detail, err }) => ({ level, msg, code, detail, stack: typeof err?.stack }))).toEqual([
      { level: 40, msg: 'request refused', code: 'dependency_unavailable', detail: 'Catalog is unavailable', stack: 'undefined' },
      { level: 40, msg: 'request refused', code: 'out_of_stock', detail: 'none left', stack: 'undefined' },
      { level: 30, msg: 'request refused', code: 'out_of_stock', detail: 'none left', stack: 'undefined' },
      { level: 50, msg: 'request failed', code: 'internal_error', detail: undefined, stack: 'string' },
      { level: 50, msg: 'request failed', code: 'internal_error', detail: undefined, stack: 'string' },
    ]);
  });
});
