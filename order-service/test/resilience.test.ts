import nock from 'nock';
import { installFakes, problem, type Fakes } from './fake-dependencies';
import { isolateNetwork, restoreNetwork, type OrderUnderTest, startOrder } from './order-harness';

const BREAKER = { BREAKER_VOLUME_THRESHOLD: '4', BREAKER_ERROR_THRESHOLD_PERCENT: '50', BREAKER_RESET_MS: '1000', RETRY_MAX_ATTEMPTS: '1' };

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

  test('when the Catalog keeps failing, then the breaker opens after its threshold and no further call reaches it', async () => {
    order = await startOrder(BREAKER);
    fakes.catalog.reserve = () => [500, { code: 'internal_error' }];
    for (let i = 0; i < 4; i++) expect((await order.placeOrder()).status).toBe(503);
    expect(await dependency('catalog')).toMatchObject({ state: 'open', nextAttemptAt: expect.any(String) });
    const before = fakes.callsTo('PUT', /\/reservations\//).length;
    const started = Date.now();
    const res = await order.placeOrder();
    expect(Date.now() - started).toBeLessThan(200);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(res.body).toMatchObject({ code: 'dependency_unavailable', dependency: 'catalog', orderId: expect.any(String) });
    expect(fakes.callsTo('PUT', /\/reservations\//)).toHaveLength(before);
    expect(await order.call('GET', `/orders/${res.body.orderId}`)).toMatchObject({ body: { status: 'failed' } });
    // Refused before anything was sent: nothing to release, in either service.
    await new Promise((r) => setTimeout(r, 100));
    expect(fakes.calls.filter((c) => c.path.includes(res.body.orderId))).toHaveLength(0);
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
    await new Promise((r) => setTimeout(r, 1_050));
    expect((await dependency('catalog')).state).toBe('half-open');
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

  test('when the connection drops once, then the call is retried and the order succeeds', async () => {
    order = await startOrder({ RETRY_MAX_ATTEMPTS: '3' });
    const happy = fakes.account.hold;
    let n = 0;
    fakes.account.hold = (id, body) => (n++ === 0 ? 'network-error' : happy(id, body));
    expect((await order.placeOrder()).status).toBe(201);
    expect(fakes.callsTo('PUT', /\/holds\//)).toHaveLength(2);
  });

  test('when the Catalog answers 409, then the call is not retried', async () => {
    order = await startOrder({ RETRY_MAX_ATTEMPTS: '3' });
    fakes.catalog.reserve = () => problem(409, 'out_of_stock', { shortages: [] });
    expect((await order.placeOrder()).status).toBe(409);
    expect(fakes.callsTo('PUT', /\/reservations\//)).toHaveLength(1);
  });

  test('when the Account is slower than the budget, then the answer is 503 within the budget + 50 ms and everything is released', async () => {
    order = await startOrder({ ORDER_REQUEST_BUDGET_MS: '400' });
    fakes.account.hold = (id, body) => ({ delayMs: 3_000, reply: [201, { id, ...body, status: 'held', expiresAt: new Date().toISOString() }] });
    const started = Date.now();
    const res = await order.placeOrder();
    const took = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'dependency_unavailable', dependency: 'account' });
    expect(took).toBeLessThanOrEqual(450);
    await waitFor(() => fakes.callsTo('POST', new RegExp(`/reservations/${res.body.orderId}/release$`)).length === 1);
    await waitFor(() => fakes.callsTo('POST', new RegExp(`/holds/${res.body.orderId}/release$`)).length === 1);
    expect(fakes.callsTo('POST', /\/confirm$|\/capture$/)).toHaveLength(0);
  });

  test('when the bulkhead is full, then the next order is refused at once with 503', async () => {
    order = await startOrder({ BULKHEAD_MAX_CONCURRENT: '1', ORDER_REQUEST_BUDGET_MS: '2000' });
    const happy = fakes.catalog.reserve;
    fakes.catalog.reserve = (id, body) => ({ delayMs: 500, reply: happy(id, body) as [number, unknown] });
    const slow = order.placeOrder();
    await waitFor(() => fakes.callsTo('PUT', /\/reservations\//).length === 1);
    const started = Date.now();
    const refused = await order.placeOrder();
    expect(Date.now() - started).toBeLessThan(200);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'dependency_unavailable', dependency: 'catalog' });
    expect(refused.body.detail).toMatch(/in flight/);
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

function installFakesCatalogHappy() {
  return installFakes().catalog;
}

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
