// What Order's axios instances (dependencyHttp: flat defaults, JSON-only transforms, every status
// resolved) send and make of the answers, over a real socket to a real HTTP server that answers
// what each test queues (nock is off in this file, as in dropped-connection.test.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { Registry } from 'prom-client';
import { BUDGET_HEADER, Deadline } from 'service-platform';
import { accountClient } from '../src/clients/account-client';
import { dependencyHttp } from '../src/clients/dependency-answers';
import { Dependency } from '../src/clients/resilience/dependency';
import { REQUEST } from '../src/domain/order';

const POLICY = {
  breaker: { errorThresholdPercentage: 50, volumeThreshold: 100, resetTimeoutMs: 5_000, rollingWindowMs: 10_000 },
  retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  maxConcurrent: 8,
};
const HOLD = { accountId: 'acc-1', amountCents: 500, currency: 'EUR', ttlSeconds: 60 };
const held = (id: string) => JSON.stringify({ id, ...HOLD, status: 'held', expiresAt: new Date(Date.now() + 60_000).toISOString() });

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
type Answer = { status: number; type?: string; body?: string };

describe('Order\'s HTTP client for a dependency', () => {
  let server: http.Server;
  let url: string;
  const seen: Seen[] = [];
  let answers: Answer[] = [];
  let dependency: Dependency;
  beforeAll(async () => {
    if (nock.isActive()) nock.restore();
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        const answer = answers.shift() ?? { status: 500 };
        res.writeHead(answer.status, answer.type ? { 'content-type': answer.type } : {});
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen.length = 0;
    dependency = new Dependency('account', POLICY, new Registry());
  });
  afterEach(() => dependency.shutdown());
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const within = (ms: number) => ({ deadline: Deadline.after(ms), writer: REQUEST });

  test('when a hold is made, then the request carries the JSON body, the credential, the budget and the usual Accept', async () => {
    answers = [{ status: 201, type: 'application/json', body: held('order-1') }];
    const account = accountClient(dependencyHttp(url, 'service-token', 8), dependency);
    expect(await account.hold('order-1', HOLD, within(3_000))).toMatchObject({ ok: true, value: { id: 'order-1', status: 'held' } });
    const [request] = seen;
    expect(request).toMatchObject({ method: 'PUT', url: '/holds/order-1' });
    expect(JSON.parse(request.body)).toEqual(HOLD);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer service-token',
      accept: 'application/json, text/plain, */*',
    });
    expect(Number(request.headers[BUDGET_HEADER])).toBeGreaterThan(0);
  });

  test('when a release is answered 204 without a body, then it is accepted', async () => {
    answers = [{ status: 204 }];
    const account = accountClient(dependencyHttp(url, undefined, 8), dependency);
    expect(await account.release('order-2', within(3_000))).toEqual({ ok: true, value: null });
    expect(seen[0].headers.authorization).toBeUndefined(); // no credential configured: none sent
  });

  test('when a 502 comes with a body that is not JSON (a proxy\'s page), then the call is retried and succeeds', async () => {
    answers = [{ status: 502, type: 'text/html', body: '<html><body>Bad Gateway</body></html>' }, { status: 201, type: 'application/json', body: held('order-3') }];
    const account = accountClient(dependencyHttp(url, undefined, 8), dependency);
    expect(await account.hold('order-3', HOLD, within(3_000))).toMatchObject({ ok: true, value: { id: 'order-3' } });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['PUT /holds/order-3', 'PUT /holds/order-3']);
  });

  test('when a 409 comes with a body that is not JSON, then it is a refusal, not retried', async () => {
    answers = [{ status: 409, type: 'text/plain', body: 'conflict' }];
    const account = accountClient(dependencyHttp(url, undefined, 8), dependency);
    expect(await account.hold('order-4', HOLD, within(3_000))).toMatchObject({ ok: false, refused: { final: true } });
    expect(seen).toHaveLength(1);
  });
});
