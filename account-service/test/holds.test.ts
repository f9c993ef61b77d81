import { request } from '../../test-support/loopback-http';
import { sleep } from '../../test-support/polling';
import { type AccountUnderTest, newId, startAccount } from './account-harness';

describe('Holds', () => {
  let account: AccountUnderTest;
  /** A fresh account with the given limit, so each test reads only its own credit. */
  const freshAccount = async (creditLimitCents = 10_000) => {
    const id = newId();
    await account.putAccount(id, { creditLimitCents });
    return id;
  };
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(() => account.close());

  test('when a hold is placed, then it is 201 held and the available credit drops by its amount', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    const res = await account.hold(id, acc, 2500);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id, accountId: acc, amountCents: 2500, currency: 'EUR', status: 'held' });
    expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 2500, usedCents: 0, availableCreditCents: 7500 });
    expect(await account.call('GET', `/holds/${id}`)).toMatchObject({ status: 200, body: res.body });
  });

  test('when a hold asks for more than is available, then it is 409 insufficient_credit and nothing is held', async () => {
    const acc = await freshAccount(5000);
    await account.hold(newId('h'), acc, 3000);
    const id = newId('h');
    const res = await account.hold(id, acc, 2001);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'insufficient_credit', availableCreditCents: 2000, requestedCents: 2001 });
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 3000, availableCreditCents: 2000 });
    expect((await account.call('GET', `/holds/${id}`)).status).toBe(404);
  });

  test('when a hold names an unknown account, then it is 422 unknown_account and the id stays free', async () => {
    const id = newId('h');
    const res = await account.hold(id, 'no-such-account', 100);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unknown_account');
    const acc = await freshAccount(1000);
    expect((await account.hold(id, acc, 100)).status).toBe(201);
  });

  test('when a hold is in another currency than the account, then it is 422 currency_mismatch and nothing is held', async () => {
    const acc = await freshAccount(10_000);
    const res = await account.hold(newId('h'), acc, 100, { currency: 'USD' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'currency_mismatch', accountCurrency: 'EUR' });
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, availableCreditCents: 10_000 });
  });

  test('when the same hold is sent again with the same body, then it is 200 with the same hold and credit is held once', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    const first = await account.hold(id, acc, 1000, { ttlSeconds: 60 });
    const again = await account.hold(id, acc, 1000, { ttlSeconds: 60 });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 1000 });
  });

  test('when the same hold id is sent with another body, then it is 409 hold_mismatch and nothing more is held', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    await account.hold(id, acc, 1000);
    const res = await account.hold(id, acc, 1001);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('hold_mismatch');
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 1000 });
  });

  test('when a hold is captured, then its amount moves from held to used, and capturing again answers 200', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    await account.hold(id, acc, 4000);
    const captured = await account.capture(id);
    expect(captured).toMatchObject({ status: 200, body: { id, status: 'captured', amountCents: 4000 } });
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 4000, availableCreditCents: 6000 });
    expect(await account.capture(id)).toMatchObject({ status: 200, body: { status: 'captured' } });
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 4000 });
  });

  test('when an unknown hold is captured, then it is 404 unknown_hold', async () => {
    const res = await account.capture(newId('h'));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('unknown_hold');
  });

  test('when a released hold is captured, then it is 409 hold_expired and nothing is used', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    await account.hold(id, acc, 1000);
    await account.release(id);
    const res = await account.capture(id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ status: 409, code: 'hold_expired', holdStatus: 'released' });
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 0, availableCreditCents: 10_000 });
  });

  test('when a hold is released, then its credit comes back, and releasing again is 204 with the credit back once', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    await account.hold(id, acc, 2500);
    expect((await account.release(id)).status).toBe(204);
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, availableCreditCents: 10_000 });
    expect((await account.release(id)).status).toBe(204);
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, availableCreditCents: 10_000 });
    expect(await account.call('GET', `/holds/${id}`)).toMatchObject({ body: { status: 'released' } });
  });

  test('when an unknown id is released, then it is 204 and a later hold with that id is 409 hold_released holding nothing', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    expect((await account.release(id)).status).toBe(204);
    const late = await account.hold(id, acc, 1000);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('hold_released');
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, availableCreditCents: 10_000 });
    expect((await account.call('GET', `/holds/${id}`)).status).toBe(404);
  });

  test('when a captured hold is released, then it is 409 hold_captured and the credit stays used', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    await account.hold(id, acc, 1000);
    await account.capture(id);
    const res = await account.release(id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('hold_captured');
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 1000 });
  });

  test('when a hold passes its expiry, then it reads expired and the sweep returns its credit (a capture re-authorizes it: hold-reauthorization.test.ts)', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    await account.hold(id, acc, 3000, { ttlSeconds: 1 });
    await sleep(1200);
    expect(await account.call('GET', `/holds/${id}`)).toMatchObject({ status: 200, body: { status: 'expired' } });
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 3000, usedCents: 0 });
    expect(await account.app.holds.expireDue()).toBeGreaterThanOrEqual(1);
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 0, availableCreditCents: 10_000 });
    expect(await account.call('GET', `/holds/${id}`)).toMatchObject({ body: { status: 'expired' } });
  });

  test('when a hold asks for a ttl above HOLD_MAX_TTL_SECONDS, then it is 400 naming ttlSeconds and nothing is held', async () => {
    const acc = await freshAccount(10_000);
    const res = await account.hold(newId('h'), acc, 100, { ttlSeconds: 3601 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('body.ttlSeconds');
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0 });
  });

  test.each([
    ['a zero amount', { amountCents: 0 }, 'body.amountCents'],
    ['a fractional amount', { amountCents: 1.5 }, 'body.amountCents'],
    ['an amount above 2147483647', { amountCents: 2147483648 }, 'body.amountCents'],
    ['a string for the amount', { amountCents: '100' }, 'body.amountCents'],
    ['an unknown field', { note: 'x' }, 'body.note'],
    ['no account', { accountId: undefined }, 'body.accountId'],
  ])('when a hold is placed with %s, then it is 400 naming the field and nothing is held', async (_label, change, field) => {
    const acc = await freshAccount(10_000);
    const res = await account.call('PUT', `/holds/${newId('h')}`, { accountId: acc, amountCents: 100, currency: 'EUR', ...change });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0 });
  });

  test('when a hold amount is beyond 2^53 on the wire, then it is 400 and nothing is held', async () => {
    const acc = await freshAccount(10_000);
    const res = await request(account.baseUrl, 'PUT', `/holds/${newId('h')}`, {
      headers: { 'content-type': 'application/json' },
      rawBody: `{"accountId":"${acc}","amountCents":9007199254740993,"currency":"EUR"}`,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('body.amountCents');
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0 });
  });
});
