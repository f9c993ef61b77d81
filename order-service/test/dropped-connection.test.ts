// A connection that drops before the answer is retried: Order's Account client over a real socket
// to a real HTTP server that closes the first connection it gets (nock is off in this file: a mock
// socket's dropped connection raced with the client's own handling of it on a loaded machine).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { Registry } from 'prom-client';
import { accountClient } from '../src/clients/account-client';
import { Deadline } from 'service-platform';
import { dependencyHttp } from '../src/clients/dependency-answers';
import { Dependency } from '../src/clients/resilience/dependency';
import { REQUEST } from '../src/domain/order';

const POLICY = {
  breaker: { errorThresholdPercentage: 50, volumeThreshold: 100, resetTimeoutMs: 5_000, rollingWindowMs: 10_000 },
  retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  maxConcurrent: 8,
};

const within = (ms: number) => ({ deadline: Deadline.after(ms), writer: REQUEST });

describe('a dropped connection', () => {
  let server: http.Server;
  let url: string;
  let drops = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    if (nock.isActive()) nock.restore();
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (drops > 0) {
        drops--;
        return void req.socket.destroy(); // read the request, then close the connection without a word
      }
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const { accountId, amountCents, currency } = JSON.parse(body) as { accountId: string; amountCents: number; currency: string };
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: req.url!.split('/')[2], accountId, amountCents, currency, status: 'held', expiresAt: new Date(Date.now() + 60_000).toISOString() }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('when the connection drops once before the answer, then the call is retried on a new one and succeeds', async () => {
    const dependency = new Dependency('account', POLICY, new Registry());
    const account = accountClient(dependencyHttp(url, undefined, 8), dependency);
    drops = 1;
    const held = await account.hold('order-1', { accountId: 'acc-1', amountCents: 500, currency: 'EUR', ttlSeconds: 60 }, within(3_000));
    expect(held).toMatchObject({ ok: true, value: { id: 'order-1', status: 'held' } });
    expect(seen).toEqual(['PUT /holds/order-1', 'PUT /holds/order-1']); // the dropped attempt, then the retry
    expect(dependency.snapshot().stats).toMatchObject({ failures: 1, successes: 1 });
    dependency.shutdown();
  });

  test('when the connection drops every time, then the call gives up within its budget as dependency_unavailable, after every attempt', async () => {
    const dependency = new Dependency('account', POLICY, new Registry());
    const account = accountClient(dependencyHttp(url, undefined, 8), dependency);
    drops = 100;
    seen.length = 0;
    expect(await account.hold('order-2', { accountId: 'acc-1', amountCents: 500, currency: 'EUR', ttlSeconds: 60 }, within(3_000)))
      .toMatchObject({ ok: false, unavailable: { dependency: 'account', reason: 'failed', sent: true } });
    expect(seen).toHaveLength(POLICY.retry.maxAttempts);
    dependency.shutdown();
  });
});
