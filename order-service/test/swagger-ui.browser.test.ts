// Swagger UI in a real browser (Debian chromium driven by playwright-core): Order's /docs, POST /orders,
// "Try it out", "Execute" with the document's own examples, against the real Catalog and Account
// seeded with the demo data, with customer authentication on: the person pastes a customer token
// into "Authorize" first. What a person trying the API first sees must work as it stands: each
// Execute with the pre-filled Idempotency-Key is a new order (a fresh key per execution), a typed
// key is kept.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { createLogger } from 'service-platform';
import { type AccountUnderTest, startAccount } from '../../account-service/test/account-harness';
import { seedAccounts } from '../../account-service/src/seed';
import { type CatalogUnderTest, startCatalog } from '../../catalog-service/test/catalog-harness';
import { seedCatalog } from '../../catalog-service/src/seed';
import { Issuer, makeKey } from '../../test-support/token-issuer';
import { type OrderUnderTest, startOrder } from './order-harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.join(os.tmpdir(), 'swagger-order.png');
const TOKENS = { ADMIN_TOKEN: 'docs-admin-token-000001', SERVICE_TOKEN: 'docs-service-token-0001' };
const STEP_MS = 10_000;
const admin = { authorization: `Bearer ${TOKENS.ADMIN_TOKEN}` };

/** No browser is a failure, never a skip: say how to get one. */
function requireChromium(): void {
  if (existsSync(CHROMIUM)) return;
  throw new Error(process.env.CI
    ? `No browser at ${CHROMIUM}: this test drives Swagger UI in Chromium. .ci/run installs it `
      + '(apt-get install -y --no-install-recommends chromium) before `npm test`; check that step ran.'
    : `No browser at ${CHROMIUM}: this test drives Swagger UI in a real browser. Install Debian's Chromium `
      + '(`sudo apt-get install -y chromium`), or set CHROMIUM_PATH to a Chromium/Chrome executable.');
}

/** The live response Swagger UI shows under "Server response": its status and its parsed body. */
async function liveResponse(operation: Locator): Promise<{ status: string; body: any }> {
  const row = operation.locator('.live-responses-table tbody tr.response');
  await row.waitFor({ timeout: STEP_MS });
  const status = (await row.locator('td.response-col_status').innerText()).trim();
  const text = await row.locator('td.response-col_description .highlight-code pre').first().innerText();
  return { status, body: JSON.parse(text) };
}

describe('Swagger UI of the Order service, in a real browser, with the demo data', () => {
  let catalog: CatalogUnderTest | undefined;
  let account: AccountUnderTest | undefined;
  let order: OrderUnderTest | undefined;
  let browser: Browser | undefined;
  let issuer: Issuer | undefined;
  let page: Page;
  /** The Idempotency-Key of every POST /orders the page sent, in order. */
  const sentKeys: string[] = [];

  beforeAll(async () => {
    requireChromium();
    const logger = createLogger('swagger-ui-test', 'silent');
    issuer = await new Issuer([await makeKey('ES256')]).start();
    [catalog, account] = await Promise.all([startCatalog(TOKENS), startAccount({ ...TOKENS, ...issuer.env })]);
    await Promise.all([seedCatalog(catalog.db, logger), seedAccounts(account.db, logger)]);
    order = await startOrder({ ...TOKENS, ...issuer.env, CATALOG_URL: catalog.baseUrl, ACCOUNT_URL: account.baseUrl });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // Swagger UI is served offline: nothing but the services on loopback may be reached.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    page.on('request', (req) => {
      const key = req.method() === 'POST' && new URL(req.url()).pathname === '/orders' ? req.headers()['idempotency-key'] : undefined;
      if (key) sentKeys.push(key);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await order?.close();
    await Promise.all([catalog?.close(), account?.close()]);
    await issuer?.stop();
  });

  /** Swagger UI's "Authorize" dialog: the bearer value of one security scheme. */
  async function authorize(scheme: string, token: string): Promise<void> {
    await page.locator('.auth-wrapper button.authorize').click({ timeout: STEP_MS });
    const container = page.locator('.auth-container').filter({ hasText: scheme });
    await container.locator('input').fill(token, { timeout: STEP_MS });
    await container.locator('button.authorize').click({ timeout: STEP_MS });
    await container.getByText('Authorized').waitFor({ timeout: STEP_MS });
    await page.locator('.modal-ux button.btn-done').first().click({ timeout: STEP_MS });
  }

  test('when POST /orders is tried out with its examples and executed, then the page shows a confirmed, priced order', async () => {
    await page.goto(`${order!.baseUrl}/docs/`);
    // swagger-ui-express keeps the document of its last setup() in a module variable, so in one
    // process every /docs shows the last app built: Order is built last here, and this says so.
    expect(await page.locator('.information-container .info .title').innerText({ timeout: STEP_MS })).toContain('Order service');
    const placeOrder = page.locator('#operations-orders-placeOrder');
    await placeOrder.locator('.opblock-summary-control').click({ timeout: STEP_MS });
    await placeOrder.getByRole('button', { name: 'Try it out' }).click({ timeout: STEP_MS });

    // Swagger UI refuses to execute with an empty required header: the example must be pre-filled.
    const key = placeOrder.locator('tr[data-param-name="Idempotency-Key"] input');
    // The parameter's text tells the person what Execute does with the pre-filled key.
    expect(await placeOrder.locator('tr[data-param-name="Idempotency-Key"]').innerText()).toMatch(/replaced by a fresh random key on every\s+Execute/);
    const prefilled = await key.inputValue();
    expect(prefilled).toMatch(/^[\x21-\x7E]+$/);
    const exampleBody = JSON.parse(await placeOrder.locator('textarea.body-param__text').inputValue());
    expect(exampleBody).toEqual({ accountId: 'acc-alice', lines: [{ sku: 'COFFEE-1KG', quantity: 2 }, { sku: 'MUG-CERAMIC', quantity: 1 }] });

    // Without a token: 401, the operation says which scheme it wants.
    await placeOrder.getByRole('button', { name: 'Execute' }).click({ timeout: STEP_MS });
    expect((await liveResponse(placeOrder)).status).toBe('401');
    await placeOrder.getByRole('button', { name: 'Clear' }).click({ timeout: STEP_MS });

    await authorize('customerToken', await issuer!.token('acc-alice'));
    await placeOrder.getByRole('button', { name: 'Execute' }).click({ timeout: STEP_MS });
    const first = await liveResponse(placeOrder);
    await placeOrder.locator('.live-responses-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });

    expect(first.status).toBe('201');
    expect(first.body).toMatchObject({
      status: 'confirmed',
      accountId: 'acc-alice',
      currency: 'EUR',
      totalCents: 2 * 2450 + 1200, // the demo prices, answered by the Catalog's reservation
      lines: [
        { sku: 'COFFEE-1KG', quantity: 2, unitPriceCents: 2450, lineTotalCents: 4900 },
        { sku: 'MUG-CERAMIC', quantity: 1, unitPriceCents: 1200, lineTotalCents: 1200 },
      ],
    });

    const listed = await order!.call('GET', '/orders?accountId=acc-alice', undefined, admin);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: first.body.id, status: 'confirmed', totalCents: 6100 })]);
    expect((await catalog!.call('GET', '/items/COFFEE-1KG')).body.stock).toBe(998);
    expect((await account!.call('GET', '/accounts/acc-alice', undefined, admin)).body).toMatchObject({ usedCents: 6100, heldCents: 0 });

    // The pre-filled example is not sent as is: executing again with it places a second order
    // under another key (the first key is never replayed), and each execution sent its own key.
    await placeOrder.getByRole('button', { name: 'Clear' }).click({ timeout: STEP_MS });
    await placeOrder.getByRole('button', { name: 'Execute' }).click({ timeout: STEP_MS });
    const second = await liveResponse(placeOrder);
    expect(second.status).toBe('201');
    expect(second.body.id).not.toBe(first.body.id);
    expect(await key.inputValue()).toBe(prefilled); // the field still shows the example
    const [firstKey, secondKey] = sentKeys.slice(-2);
    expect(firstKey).not.toBe(secondKey);
    expect([firstKey, secondKey]).not.toContain(prefilled);
    expect((await order!.call('GET', '/orders?accountId=acc-alice', undefined, admin)).body.items).toHaveLength(2);
    expect((await account!.call('GET', '/accounts/acc-alice', undefined, admin)).body).toMatchObject({ usedCents: 2 * 6100 });
  });

  test('when a key is typed in, then it is sent as typed, and executing again replays that order', async () => {
    const placeOrder = page.locator('#operations-orders-placeOrder');
    await placeOrder.getByRole('button', { name: 'Clear' }).click({ timeout: STEP_MS });
    const typed = `typed-key-${Date.now()}`;
    await placeOrder.locator('tr[data-param-name="Idempotency-Key"] input').fill(typed, { timeout: STEP_MS });
    await placeOrder.getByRole('button', { name: 'Execute' }).click({ timeout: STEP_MS });
    const placed = await liveResponse(placeOrder);
    expect(placed.status).toBe('201');
    await placeOrder.getByRole('button', { name: 'Clear' }).click({ timeout: STEP_MS });
    await placeOrder.getByRole('button', { name: 'Execute' }).click({ timeout: STEP_MS });
    expect(await liveResponse(placeOrder)).toEqual(placed);
    expect(sentKeys.slice(-2)).toEqual([typed, typed]);
    expect((await order!.call('GET', '/orders?accountId=acc-alice', undefined, admin)).body.items).toHaveLength(3);
  });
});
