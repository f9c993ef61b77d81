import { randomUUID } from 'node:crypto';
import axios from 'axios';
import nock from 'nock';
import { Registry } from 'prom-client';
import { Deadline, FAIR_ATTEMPT_MS, MIN_USEFUL_ATTEMPT_MS } from 'service-platform';
import { Dependency } from '../src/clients/resilience/dependency';
import { DependencyHttpError } from '../src/clients/typed-http';
import { barrier, installFakes, problem, type Fakes } from './fake-dependencies';
import { until } from '../../test-support/polling';
import { isolateNetwork, ORDER, restoreNetwork, type OrderUnderTest, startOrder } from './order-harness';

const BREAKER = { BREAKER_VOLUME_THRESHOLD: '4', BREAKER_ERROR_THRESHOLD_PERCENT: '50', BREAKER_RESET_MS: '1000', RETRY_MAX_ATTEMPTS: '1' };
/** A breaker that stays open for the whole test, however slow the machine. */
const STAYS_OPEN = { ...BREAKER, BREAKER_RESET_MS: '600000' };
/** Compensations run right after the answer: soon, so asked often. */
const SOON = { timeoutMs: 3_000, everyMs: 20 };

describe('POST /orders when a dependency fails', () => {
  let order: OrderUnderTest | undefined;
  let fakes: Fakes;
  beforeAll(() => isolateNetwork());
  afterAll(() => restoreNetwork());
  beforeEach(() => {
    fakes = installFakes();
  });
  afterEach(async () => {
    nock.cleanAll();
    await order?.close();
    order = undefined;
  });

  const dependency = async (name: string) =>
    (await order!.call('GET', '/dependencies')).body.items.find((d: { name: string }) => d.name === name);

  test('when the Catalog keeps failing, then the breaker opens after its threshold, no further call reaches it, and an order is answered 503 without being recorded', async () => {
    order = await startOrder(STAYS_OPEN);
    fakes.catalog.reserve = () => [500, { code: 'internal_error' }];
    for (let i = 0; i < 4; i++) expect((await order.placeOrder()).status).toBe(503);
    expect(await dependency('catalog')).toMatchObject({ state: 'open', nextAttemptAt: expect.any(String) });
    const before = fakes.callsTo('PUT', /\/reservations\//).length;
    const [{ n: ordersBefore }] = await order.sql('SELECT count(*)::int AS n FROM orders');
    const key = randomUUID();
    const res = await order.placeOrder(undefined, key); // how fast this is, the benchmark measures
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(res.body).toMatchObject({ code: 'dependency_unavailable', dependency: 'catalog', reason: 'breaker_open' });
    expect(res.body).not.toHaveProperty('orderId'); // nothing was recorded: no order to name
    expect(fakes.callsTo('PUT', /\/reservations\//)).toHaveLength(before);
    expect(await order.sql('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: ordersBefore }]);
    expect(await order.sql('SELECT count(*)::int AS n FROM orders WHERE idempotency_key = $1', [key])).toEqual([{ n: 0 }]);
    expect((await dependency('catalog')).stats.rejections).toBeGreaterThan(0);
  });

  test('when the breaker is open, then a key that already has an order is answered with that order, and another body with the key is still 422', async () => {
    // Each failed order's release succeeds and counts too: a lower threshold opens the breaker all the same.
    order = await startOrder({ ...STAYS_OPEN, BREAKER_ERROR_THRESHOLD_PERCENT: '40' });
    const key = randomUUID();
    const first = await order.placeOrder(undefined, key);
    expect(first.status).toBe(201);
    fakes.catalog.reserve = () => [500, { code: 'internal_error' }];
    for (let i = 0; i < 10 && (await dependency('catalog')).state !== 'open'; i++) expect((await order.placeOrder()).status).toBe(503);
    expect((await dependency('catalog')).state).toBe('open');
    const rejectedBefore = (await dependency('catalog')).stats.rejections;
    const replay = await order.placeOrder(undefined, key);
    expect((await dependency('catalog')).stats.rejections).toBe(rejectedBefore + 1); // answered on the fail-fast path
    expect(replay.status).toBe(201);
    expect(replay.body).toMatchObject({ id: first.body.id, status: 'confirmed' });
    const other = await order.placeOrder({ ...ORDER, lines: [{ sku: 'OTHER-SKU', quantity: 1 }] }, key);
    expect(other.status).toBe(422);
  });

  test('when the Catalog answers 4xx many times, then the breaker stays closed', async () => {
    order = await startOrder(BREAKER);
    fakes.catalog.reserve = () => problem(409, 'out_of_stock', { shortages: [] });
    for (let i = 0; i < 8; i++) expect((await order.placeOrder()).status).toBe(409);
    expect(await dependency('catalog')).toMatchObject({ state: 'closed', stats: { failures: 0 } });
  });

  test('when the breaker is open and the reset time passes, then a trial call is let through and closes it on success', async () => {
    order = await startOrder(BREAKER);
    fakes.catalog.reserve = () => [503, { code: 'down' }];
    for (let i = 0; i < 4; i++) await order.placeOrder();
    expect((await dependency('catalog')).state).toBe('open');
    await until('the breaker to be half-open', async () => (await dependency('catalog')).state === 'half-open', { everyMs: 50 }); // BREAKER_RESET_MS later
    Object.assign(fakes.catalog, installFakesCatalogHappy());
    expect((await order.placeOrder()).status).toBe(201);
    expect((await dependency('catalog')).state).toBe('closed');
  });

  test('when the Catalog answers 503 once, then the call is retried and the order succeeds', async () => {
    order = await startOrder({ RETRY_MAX_ATTEMPTS: '3' });
    const happy = fakes.catalog.reserve;
    let n = 0;
    fakes.catalog.reserve = (id, body) => (n++ === 0 ? [503, { code: 'busy' }] : happy(id, body));
    const res = await order.placeOrder();
    expect(res.status).toBe(201);
    expect(fakes.callsTo('PUT', /\/reservations\//)).toHaveLength(2);
  });

  test('when the Catalog answers 409, then the call is not retried', async () => {
    order = await startOrder({ RETRY_MAX_ATTEMPTS: '3' });
    fakes.catalog.reserve = () => problem(409, 'out_of_stock', { shortages: [] });
    expect((await order.placeOrder()).status).toBe(409);
    expect(fakes.callsTo('PUT', /\/reservations\//)).toHaveLength(1);
  });

  test('when the Account is slower than the budget, then the answer is 503 within the budget (plus a tolerance), counted as a timeout, and everything is released', async () => {
    order = await startOrder({ ORDER_REQUEST_BUDGET_MS: '400' });
    fakes.account.hold = (id, body) => ({ delayMs: 3_000, reply: [201, { id, ...body, status: 'held', expiresAt: new Date().toISOString() }] });
    const started = Date.now();
    const res = await order.placeOrder();
    const took = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'dependency_unavailable', dependency: 'account' });
    expect(took).toBeLessThanOrEqual(400 + 1_000); // the budget, with room for a loaded machine; waiting for Account would take 3 s
    await until('the reservation\'s release', () => fakes.callsTo('POST', new RegExp(`/reservations/${res.body.orderId}/release$`)).length === 1, SOON);
    await until('the hold\'s release', () => fakes.callsTo('POST', new RegExp(`/holds/${res.body.orderId}/release$`)).length === 1, SOON);
    expect(fakes.callsTo('POST', /\/confirm$|\/capture$/)).toHaveLength(0);
    expect((await dependency('account')).stats.timeouts).toBeGreaterThanOrEqual(1); // was always 0 with timeout: false
  });

  test('when the bulkhead is full, then the next order is refused at once with 503', async () => {
    order = await startOrder({ BULKHEAD_MAX_CONCURRENT: '1', ORDER_REQUEST_BUDGET_MS: '2000' });
    const happy = fakes.catalog.reserve;
    const held = barrier(); // the first reservation stays in flight until the refusal is in
    fakes.catalog.reserve = async (id, body) => {
      await held.wait();
      return happy(id, body);
    };
    const slow = order.placeOrder();
    await held.reached;
    const refused = await order.placeOrder();
    held.open();
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'dependency_unavailable', dependency: 'catalog' });
    expect(refused.body.detail).toMatch(/in flight/);
    expect(fakes.callsTo('PUT', /\/reservations\//)).toHaveLength(1); // refused without a call
    expect((await slow).status).toBe(201);
  });

  test('when /dependencies and /metrics are read, then they show each breaker and its counts', async () => {
    order = await startOrder(BREAKER);
    await order.placeOrder();
    const deps = (await order.call('GET', '/dependencies')).body.items;
    expect(deps.map((d: { name: string }) => d.name)).toEqual(['catalog', 'account']);
    expect(deps[0]).toMatchObject({ state: 'closed', nextAttemptAt: null, inFlight: 0, stats: { successes: 2, failures: 0 } }); // reserve + confirm
    const metrics = await (await fetch(`${order.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/order_dependency_calls_total\{[^}]*dependency="catalog"[^}]*outcome="success"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/order_dependency_breaker_state\{[^}]*dependency="account"[^}]*\} 0/);
  });
});

describe('What a dependency\'s breaker counts', () => {
  const HOST = 'http://breaker-counting.test';
  const policy = {
    breaker: { errorThresholdPercentage: 50, volumeThreshold: 4, resetTimeoutMs: 10_000, rollingWindowMs: 10_000 },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    maxConcurrent: 10,
  };
  let dependency: Dependency;
  beforeAll(() => isolateNetwork());
  afterAll(() => restoreNetwork());
  beforeEach(() => {
    dependency = new Dependency('account', policy, new Registry());
  });
  afterEach(() => {
    dependency.shutdown();
    nock.cleanAll();
  });

  /** One attempt over real HTTP (to nock), given the signal and timeout the deadline leaves. */
  const get = (signal: AbortSignal, timeoutMs: number) =>
    axios.get(`${HOST}/holds/h-1`, { signal, timeout: Math.max(1, Math.floor(timeoutMs)), validateStatus: () => true }).then((res) => {
      if (res.status >= 500) throw new DependencyHttpError(res.status);
      return res.status;
    });

  test('when calls come with less than the useful budget left (a slow earlier step spent it), then none is sent and the breaker counts nothing', async () => {
    const scope = nock(HOST).get('/holds/h-1').delay(200).reply(200, {}).persist();
    for (let i = 0; i < 8; i++) {
      await expect(dependency.call(Deadline.after(MIN_USEFUL_ATTEMPT_MS - 5), get, true)).rejects.toMatchObject({ unavailable: { reason: 'budget_exhausted', sent: false } });
    }
    expect(scope.isDone()).toBe(false); // never reached
    expect(dependency.snapshot()).toMatchObject({ state: 'closed', stats: { successes: 0, failures: 0, timeouts: 0 } });
  });

  test('when calls come with a little budget (under FAIR_ATTEMPT_MS) and time out, then they are sent but the breaker neither counts nor opens', async () => {
    const scope = nock(HOST).get('/holds/h-1').delay(500).reply(200, {}).persist();
    for (let i = 0; i < 8; i++) {
      await expect(dependency.call(Deadline.after(FAIR_ATTEMPT_MS - 40), get, false)).rejects.toMatchObject({ code: 'dependency_unavailable' });
    }
    expect(scope.isDone()).toBe(true); // they were sent
    expect(dependency.snapshot()).toMatchObject({ state: 'closed', stats: { successes: 0, failures: 0, timeouts: 0 } });
  });

  test('when an attempt with a fair budget times out, then /dependencies counts a timeout and a failure', async () => {
    nock(HOST).get('/holds/h-1').delay(1_000).reply(200, {});
    await expect(dependency.call(Deadline.after(150), get, false)).rejects.toMatchObject({ code: 'dependency_unavailable' });
    expect(dependency.snapshot().stats).toMatchObject({ timeouts: 1, failures: 1, successes: 0 });
  });

  test('when one call is retried, then each attempt counts toward the breaker (three 503s are three failures)', async () => {
    nock(HOST).get('/holds/h-1').times(3).reply(503, {});
    await expect(dependency.call(Deadline.after(2_000), get, true)).rejects.toMatchObject({ unavailable: { reason: 'failed' } });
    expect(dependency.snapshot().stats).toMatchObject({ failures: 3, timeouts: 0 });
  });
});

function installFakesCatalogHappy() {
  return installFakes().catalog;
}
