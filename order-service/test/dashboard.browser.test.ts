// The dashboard in a real browser (Debian chromium driven by playwright-core) against the three
// services as real processes: the person gives the admin token, Catalog is killed while orders are
// placed, and the page, without a reload, shows Catalog's breaker open, then closed again once
// Catalog is back. Every step waits for a condition on the page; nothing sleeps.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { setUpShop, type Shop, Workload } from '../../test-support/order-workload';
import { startSystem, type System } from '../../test-support/system-harness';
import { testPostgresUrl } from '../../test-support/test-database';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** How long the page may take to show a change: a few polls, with room for a loaded machine. */
const SHOWN_WITHIN_MS = 10_000;
const SHOP: Shop = { items: [{ sku: 'DASH-A', stock: 10_000, priceCents: 300 }], accounts: [{ id: 'dash-acc', creditLimitCents: 100_000_000 }] };
const ORDER_ENV = { BREAKER_VOLUME_THRESHOLD: '3', BREAKER_RESET_MS: '1000', RETRY_MAX_ATTEMPTS: '1' };

jest.setTimeout(120_000);

function requireChromium(): void {
  if (existsSync(CHROMIUM)) return;
  throw new Error(`No browser at ${CHROMIUM}: this test drives the dashboard in Chromium. .ci/run installs Debian's `
    + '(apt-get install -y --no-install-recommends chromium); locally install it or set CHROMIUM_PATH.');
}

describe('The Order dashboard, in a real browser, while Catalog dies and comes back', () => {
  let system: System | undefined;
  let browser: Browser | undefined;
  let page: Page;
  /** Script errors, and console errors (the 401s before the token was given are expected, and kept apart). */
  const errors: string[] = [];
  const refusedBeforeLogin: string[] = [];
  let loggedIn = false;
  /** Stops the background orders (also when a test failed before it did). */
  let stopOrders: (() => Promise<unknown>) | undefined;

  beforeAll(async () => {
    requireChromium();
    system = await startSystem(testPostgresUrl(), { perService: { order: ORDER_ENV } });
    await setUpShop(system.catalog.url, system.account.url, SHOP, system.auth);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
    });
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = `${msg.text()} (${msg.location().url})`;
      const refused = /status of 401/.test(msg.text()) && msg.location().url.endsWith('/dashboard/state');
      (refused && !loggedIn ? refusedBeforeLogin : errors).push(text);
    });
  });
  afterAll(async () => {
    await stopOrders?.();
    await browser?.close();
    await system?.stop();
  });

  const dependency = (name: string, state: string) => page.locator(`[data-dependency="${name}"][data-state="${state}"]`);

  /** Places orders in the background until the returned function is called. */
  function placeOrders(s: System) {
    const workload = new Workload(s.order.url, SHOP, s.auth);
    let stop = false;
    const done = workload.run(2, () => stop);
    const stopNow = async () => {
      stop = true;
      await done;
      return workload.attempts;
    };
    stopOrders = stopNow;
    return stopNow;
  }

  test('when the admin token is given, then the page shows the breakers closed and the last orders, updated live', async () => {
    const s = system!;
    await page.goto(`${s.order.url}/dashboard`);
    // ADMIN_TOKEN is set: the page asks for it rather than showing anything.
    await page.locator('#login').waitFor({ state: 'visible', timeout: SHOWN_WITHIN_MS });
    expect(await page.locator('#content').isVisible()).toBe(false);
    loggedIn = true;
    await page.locator('#token').fill(s.auth.adminToken);
    await page.locator('#login button[type=submit]').click();

    await dependency('catalog', 'closed').waitFor({ timeout: SHOWN_WITHIN_MS });
    await dependency('account', 'closed').waitFor({ timeout: SHOWN_WITHIN_MS });
    expect(await dependency('catalog', 'closed').locator('.state').innerText()).toBe('closed');
    expect(await dependency('catalog', 'closed').locator('.in-flight').innerText()).toMatch(/^\d+ \/ 64/);

    // An order placed after the page loaded appears on it, with its state.
    const placed = await new Workload(s.order.url, SHOP, s.auth).place();
    expect(placed).toMatchObject({ status: 201 });
    await page.locator(`#orders tr[data-order-id="${placed.orderId}"][data-status="confirmed"]`).waitFor({ timeout: SHOWN_WITHIN_MS });
    expect(refusedBeforeLogin.length).toBeGreaterThan(0); // it did ask the server first
  });

  test('when Catalog is killed under load, then its breaker shows open within seconds, with rejections per second, and closed again once Catalog is back', async () => {
    const s = system!;
    const stopPlacing = placeOrders(s);
    await s.catalog.signal('SIGKILL');

    const open = dependency('catalog', 'open');
    await open.waitFor({ timeout: SHOWN_WITHIN_MS });
    expect(await open.locator('.state').innerText()).toBe('open');
    // Outcomes per second, live: breaker rejections show while it is open.
    // (queried in the page on every check: the page redraws its rows on each poll)
    await page.waitForFunction(
      (selector) => Number((globalThis as any).document.querySelector(selector)?.textContent) > 0,
      '[data-dependency="catalog"] [data-outcome="rejected"]',
      { timeout: SHOWN_WITHIN_MS },
    );
    expect(await dependency('account', 'closed').count()).toBe(1); // one dependency's outage stays its own
    await page.locator('#orders tr[data-status="failed"]').first().waitFor({ timeout: SHOWN_WITHIN_MS });

    await s.catalog.start();
    await dependency('catalog', 'closed').waitFor({ timeout: 3 * SHOWN_WITHIN_MS });
    expect(await dependency('catalog', 'closed').locator('.state').innerText()).toBe('closed');
    const attempts = await stopPlacing();
    expect(attempts.some((a) => a.status === 503)).toBe(true);
    expect(errors).toEqual([]);
  });
});
