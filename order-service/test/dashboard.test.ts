// The dashboard's page and its data, over real HTTP against a real database; Catalog and Account
// are nock fakes. The page is static and open; its data (orders of every account) needs the admin token.
import os from 'node:os';
import { ORDER, orderPerDescribe } from './order-harness';

const ADMIN_TOKEN = 'dashboard-admin-token-01';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('Order dashboard', () => {
  // Retries off: each order makes exactly one reservation attempt, so the counts below are exact.
  const { order, fakes } = orderPerDescribe({ ADMIN_TOKEN, RETRY_MAX_ATTEMPTS: '1', BREAKER_VOLUME_THRESHOLD: '1000' });

  test('when the page is requested without credentials, then it is served with its script and style, loading nothing from elsewhere', async () => {
    const page = await fetch(`${order.baseUrl}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<script src="/dashboard/dashboard.js"');
    expect(html).not.toMatch(/https?:\/\//); // no CDN
    expect(html).toContain('<script src="/dashboard/uplot.js"'); // the charts' library, served by Order itself
    const assets = [['dashboard.js', /javascript/], ['charts.js', /javascript/], ['uplot.js', /javascript/], ['dashboard.css', /text\/css/], ['uplot.css', /text\/css/]] as const;
    for (const [asset, type] of assets) {
      const res = await fetch(`${order.baseUrl}/dashboard/${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      expect(res.headers.get('content-type')).toMatch(type);
    }
    expect((await fetch(`${order.baseUrl}/dashboard/../src/app.ts`)).status).toBe(404);
  });

  test.each([['no token', {}], ['a wrong token', { authorization: 'Bearer not-the-admin-token' }]])(
    'when the data is read with %s, then 401 problem+json',
    async (_what, headers) => {
      const res = await order.call('GET', '/dashboard/state', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'unauthorized' });
      expect(res.body.dependencies).toBeUndefined();
    },
  );

  test('when orders were placed and Catalog fails, then the data shows the newest orders with their states and each outcome per second', async () => {
    const before = await order.call('GET', '/dashboard/state', undefined, admin); // the baseline sample
    expect(before.status).toBe(200);
    expect(before.headers.get('cache-control')).toBe('no-store');
    const confirmed = await order.placeOrder();
    expect(confirmed.status).toBe(201);
    fakes.catalog.reserve = () => [503, { code: 'down' }]; // a failure of Catalog's (a dropped connection would do too, but nock can surface it as unhandled)
    const failed = await order.placeOrder();
    expect(failed.status).toBe(503);

    const after = await order.call('GET', '/dashboard/state', undefined, admin);
    expect(after.status).toBe(200);
    expect(after.body.orders.slice(0, 2)).toEqual([
      expect.objectContaining({ id: failed.body.orderId, status: 'failed', accountId: ORDER.accountId }),
      expect.objectContaining({ id: confirmed.body.id, status: 'confirmed', totalCents: 6100 }),
    ]);
    const [catalog, account] = after.body.dependencies;
    expect(catalog).toMatchObject({ name: 'catalog', state: 'closed', nextAttemptAt: null, inFlight: 0, maxConcurrent: 64 });
    expect(account).toMatchObject({ name: 'account', state: 'closed' });
    // Rates over the time since the baseline: only which are above zero is certain, not how much.
    expect(catalog.ratesPerSecond.success).toBeGreaterThan(0);
    expect(catalog.ratesPerSecond.failure).toBeGreaterThan(0);
    expect(catalog.ratesPerSecond.timeout).toBe(0);
    expect(account.ratesPerSecond.success).toBeGreaterThan(0);
    expect(account.ratesPerSecond.failure).toBe(0);
  });

  test('when the history is sampled after calls, then the data has a point per dependency with their latency, the replica, and /metrics the call-duration histogram', async () => {
    expect((await order.placeOrder()).status).toBe(201);
    await order.app.history.sample();
    const state = await order.call('GET', '/dashboard/state', undefined, admin);
    expect(state.body.replica).toEqual({ id: `${os.hostname()}:${process.pid}`, hostname: os.hostname(), startedAt: expect.any(String) });
    expect(state.body.history).toMatchObject({ windowSeconds: 300, sampleSeconds: 5 });
    const catalog = state.body.history.dependencies.find((d: { name: string }) => d.name === 'catalog');
    expect(catalog.at.length).toBeGreaterThanOrEqual(1);
    expect(catalog.perSecond.success.at(-1)).toBeGreaterThan(0);
    expect(catalog.p50Ms.at(-1)).toEqual(expect.any(Number));
    const metrics = await (await fetch(`${order.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^order_dependency_call_duration_seconds_count\{[^}]*dependency="catalog"[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^order_dependency_call_duration_seconds_bucket\{le="0\.005"[^}]*dependency="account"[^}]*\} \d+/m);
  });
});

describe('Order dashboard in development (no ADMIN_TOKEN)', () => {
  const { order } = orderPerDescribe({}, { fakes: false });

  test('when the data is read without a token, then it is served, as every admin operation is open there', async () => {
    const res = await order.call('GET', '/dashboard/state');
    expect(res.status).toBe(200);
    expect(res.body.dependencies.map((d: { name: string }) => d.name)).toEqual(['catalog', 'account']);
  });
});
