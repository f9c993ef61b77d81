// The dashboard's charts in a real browser (Debian chromium driven by playwright-core) against the
// real Order on a real database, Catalog and Account faked with nock: orders succeed, then Catalog
// fails until its breaker opens, then an order is refused by the open breaker. The test takes the
// history's samples itself (Order's timer does it in main.ts), so each point holds a known phase;
// it reads what the charts draw from the page (window.orderDashboard) and leaves a screenshot in
// test-output/. Every step waits for a condition on the page; nothing sleeps.
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { type Browser, chromium, type Page } from 'playwright-core';
import { installFakes } from './fake-dependencies';
import { leftOrder } from './order-factory';
import { isolateNetwork, type OrderUnderTest, restoreNetwork, startOrder } from './order-harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT_DIR = process.env.TEST_OUTPUT_DIR ?? path.resolve(__dirname, '../../test-output');
const SHOWN_WITHIN_MS = 10_000;

function requireChromium(): void {
  if (existsSync(CHROMIUM)) return;
  throw new Error(`No browser at ${CHROMIUM}: this test draws the dashboard's charts in Chromium. .ci/run installs Debian's `
    + '(apt-get install -y --no-install-recommends chromium); locally install it or set CHROMIUM_PATH.');
}

describe("The dashboard's charts, in a real browser, when Catalog's breaker opens", () => {
  let order: OrderUnderTest;
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    requireChromium();
    isolateNetwork();
    // No ADMIN_TOKEN: development, the data is open. Breaker: each failed order's release succeeds and counts too, hence 40 %; once open it stays open.
    order = await startOrder({
      RETRY_MAX_ATTEMPTS: '1', BREAKER_VOLUME_THRESHOLD: '3', BREAKER_ERROR_THRESHOLD_PERCENT: '40', BREAKER_RESET_MS: '600000', BREAKER_WINDOW_MS: '600000',
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // Nothing but Order on loopback may be reached: uPlot must come from Order, not a CDN.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  });
  afterAll(async () => {
    await browser?.close();
    await order?.close();
    nock.cleanAll();
    restoreNetwork();
  });

  test('when orders succeed, Catalog fails and its breaker opens, then the charts show the outcomes per second, the latency and the breaker-open mark, labelled with the replica', async () => {
    const fakes = installFakes();
    const catalog = order.app.dependencies.find((d) => d.name === 'catalog')!;
    for (let i = 0; i < 2; i++) expect((await order.placeOrder()).status).toBe(201);
    await order.app.history.sample(); // point 1: successes only
    const beforeFailures = Date.now() / 1000;

    fakes.catalog.reserve = () => [503, { code: 'down' }];
    for (let i = 0; i < 10 && catalog.state() !== 'open'; i++) expect((await order.placeOrder()).status).toBe(503);
    expect(catalog.state()).toBe('open');
    const refused = await order.placeOrder(); // refused by the open breaker, before any call
    expect(refused.status).toBe(503);
    expect(refused.body.reason).toBe('breaker_open');
    await order.app.history.sample(); // point 2: failures and the rejection

    await page.goto(`${order.baseUrl}/dashboard`);
    await page.waitForFunction(() => (globalThis as any).orderDashboard?.charts?.catalog?.at?.length === 2, undefined, { timeout: SHOWN_WITHIN_MS });
    const drawn = await page.evaluate(() => (globalThis as any).orderDashboard);

    const c = drawn.charts.catalog;
    expect(c.perSecond.success[0]).toBeGreaterThan(0);
    expect(c.perSecond.failure[0]).toBe(0);
    // (point 2 has successes too: each failed order's release at Catalog)
    expect(c.perSecond.failure[1]).toBeGreaterThan(0);
    expect(c.perSecond.rejected[1]).toBeGreaterThan(0);
    expect(c.perSecond.timeout).toEqual([0, 0]);
    expect(c.p50Ms.every((v: number | null) => typeof v === 'number')).toBe(true); // calls were sent in both intervals
    expect(c.p99Ms[0]).toBeGreaterThanOrEqual(c.p50Ms[0]);
    expect(c.breakerChanges).toEqual([{ state: 'open', at: expect.any(Number) }]);
    expect(c.breakerChanges[0].at).toBeGreaterThanOrEqual(beforeFailures);
    expect(c.breakerChanges[0].at).toBeLessThanOrEqual(c.at[1]); // between the two points, where it is drawn
    // Account: its calls were the successful orders' holds; its breaker never moved.
    expect(drawn.charts.account.perSecond.success[0]).toBeGreaterThan(0);
    expect(drawn.charts.account.breakerChanges).toEqual([]);

    // Drawn: two uPlot canvases per dependency, the mark on the row, the replica named.
    await expect(page.locator('[data-history="catalog"] canvas').count()).resolves.toBe(2);
    await expect(page.locator('[data-history="catalog"]').getAttribute('data-breaker-changes')).resolves.toBe('open');
    expect(drawn.replica.hostname).toBe(os.hostname());
    expect(await page.locator('#replica').innerText()).toContain(os.hostname());
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'dashboard-charts.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  test('when an operator settled an order that needed attention, then its row says what was decided, by whom and why', async () => {
    const id = await leftOrder(order, { state: 'needs_attention', reason: { code: 'credit_not_reauthorized', title: 't' } });
    const settled = await order.call('POST', `/orders/${id}/settlement`, { action: 'accept', reason: 'Paid by bank transfer' });
    expect(settled.body.status).toBe('confirmed');
    await page.goto(`${order.baseUrl}/dashboard`);
    const row = page.locator(`#orders tr[data-order-id="${id}"]`);
    await row.waitFor({ timeout: SHOWN_WITHIN_MS });
    expect(await row.locator('td.settlement').innerText()).toBe('accept by development: Paid by bank transfer');
    expect(await row.locator('td.settlement').getAttribute('title')).toContain('credit_not_reauthorized');
    expect(errors).toEqual([]);
  });
});
