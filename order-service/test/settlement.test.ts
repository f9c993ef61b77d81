// An operator settles an order that needs attention (POST /orders/{id}/settlement, admin token only):
// retry, fail or accept, recorded with who, why and when. Real HTTP, real PostgreSQL; Catalog and
// Account are the nock fakes, so each test checks what they end holding.
import { randomUUID } from 'node:crypto';
import { Issuer, makeKey } from '../../test-support/token-issuer';
import { holdInTransaction, waitUntilWaiting } from '../../test-support/row-locks';
import { type OrderState, publicStatus, TRANSITIONS } from '../src/domain/order-state';
import { problem } from './fake-dependencies';
import { leftOrder, PRICED } from './order-factory';
import { ORDER, orderPerDescribe } from './order-harness';

const ADMIN_TOKEN = 'settlement-admin-token-01';
const SERVICE_TOKEN = 'settlement-service-token-01';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const WHY = 'Customer paid by bank transfer, ticket 4711';

describe('Settling an order that needs attention', () => {
  let issuer: Issuer;
  beforeAll(async () => {
    issuer = await new Issuer([await makeKey('ES256')]).start();
  });
  afterAll(() => issuer.stop());
  // One attempt per call and a breaker that never opens: each call below is counted exactly.
  const { order, fakes } = orderPerDescribe(() => ({ ...issuer.env, ADMIN_TOKEN, SERVICE_TOKEN, RETRY_MAX_ATTEMPTS: '1', BREAKER_VOLUME_THRESHOLD: '1000' }));

  const settle = (id: string, body: unknown, headers: Record<string, string> = admin) => order.call('POST', `/orders/${id}/settlement`, body, headers);
  const read = async (id: string) => (await order.call('GET', `/orders/${id}`, undefined, admin)).body;
  const callsFor = (id: string) => fakes.calls.filter((c) => c.path.includes(id)).map((c) => `${c.method} ${c.path.replace(id, ':id')}`);
  const row = async (id: string) => (await order.sql('SELECT state, releases_owed, settlement FROM orders WHERE id = $1', [id]))[0];

  /** A real order through the API whose capture Account refuses: the stock is sold, the credit not taken. */
  async function needingAttention(): Promise<string> {
    const capture = fakes.account.capture;
    fakes.account.capture = () => problem(409, 'insufficient_credit', { availableCreditCents: 0 });
    const res = await order.call('POST', '/orders', ORDER, { 'idempotency-key': randomUUID(), authorization: `Bearer ${await issuer.token(ORDER.accountId)}` });
    expect(res.body).toMatchObject({ status: 'needs_attention', reason: 'credit_not_reauthorized', detail: expect.stringContaining('/settlement') });
    fakes.account.capture = capture;
    fakes.calls.length = 0; // what follows is the settlement's
    return res.body.id;
  }

  test('when an operator accepts it, then it is confirmed as it stands, recorded with who, why and when, and nothing is sent', async () => {
    const id = await needingAttention();
    const res = await settle(id, { action: 'accept', reason: WHY });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'confirmed', totalCents: PRICED.totalCents });
    expect(res.body.settlement).toEqual({ action: 'accept', by: 'admin', reason: WHY, at: expect.any(String), from: 'credit_not_reauthorized' });
    expect(res.body.reason).toBeUndefined(); // a confirmed order shows no reason; `settlement.from` keeps it
    expect(Date.parse(res.body.settlement.at)).not.toBeNaN();
    expect(await read(id)).toEqual(res.body);
    expect(callsFor(id)).toEqual([]);
    expect(fakes.catalog.stateOf(id)).toBe('confirmed');
    expect(fakes.account.stateOf(id)).toBe('held'); // not captured: the money was settled outside
    const dashboard = await order.call('GET', '/dashboard/state', undefined, admin);
    expect(dashboard.body.orders.find((o: { id: string }) => o.id === id)).toMatchObject({ status: 'confirmed', settlement: res.body.settlement });
  });

  test('when an operator fails it after the stock was sold, then it ends failed, the credit is released and the sold stock stays (refused for good, accepted)', async () => {
    const id = await needingAttention();
    const res = await settle(id, { action: 'fail', reason: 'Customer cannot pay' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'failed', reason: 'failed_by_operator', settlement: { action: 'fail', by: 'admin', reason: 'Customer cannot pay', from: 'credit_not_reauthorized' } });
    expect(callsFor(id).sort()).toEqual(['POST /holds/:id/release', 'POST /reservations/:id/release']);
    expect(fakes.account.stateOf(id)).toBe('released');
    expect(fakes.catalog.stateOf(id)).toBe('confirmed'); // Catalog never un-sells: the operator returns the stock there
    expect(await row(id)).toMatchObject({ state: 'failed', releases_owed: false });
  });

  test('when an operator fails an order that holds both commitments, then both are released and nothing is owed', async () => {
    const id = await leftOrder(order, { state: 'needs_attention', reason: { code: 'credit_hold_lapsed', title: 't' } });
    fakes.catalog.reserve(id, { lines: ORDER.lines, ttlSeconds: 120 });
    fakes.account.hold(id, { accountId: ORDER.accountId, amountCents: PRICED.totalCents, currency: 'EUR', ttlSeconds: 300 });
    const res = await settle(id, { action: 'fail', reason: 'Cancelled at the customer\'s request' });
    expect(res.body).toMatchObject({ status: 'failed', settlement: { action: 'fail' } });
    expect(fakes.catalog.stateOf(id)).toBe('released');
    expect(fakes.account.stateOf(id)).toBe('released');
    expect(await row(id)).toMatchObject({ state: 'failed', releases_owed: false });
  });

  test('when a fail cannot reach Catalog, then the release stays owed and recovery sends it once Catalog is back', async () => {
    const id = await leftOrder(order, { state: 'needs_attention', reason: { code: 'credit_hold_lapsed', title: 't' } });
    fakes.catalog.reserve(id, { lines: ORDER.lines, ttlSeconds: 120 });
    const release = fakes.catalog.release;
    fakes.catalog.release = () => [503, { code: 'down' }];
    const res = await settle(id, { action: 'fail', reason: 'Customer cannot pay' });
    expect(res.body.status).toBe('failed');
    expect(await row(id)).toMatchObject({ state: 'failed', releases_owed: true });
    fakes.catalog.release = release;
    await order.app.recovery.runOnce();
    expect(fakes.catalog.stateOf(id)).toBe('released');
    expect(await row(id)).toMatchObject({ state: 'failed', releases_owed: false });
  });

  test('when an operator retries while Account still refuses, then it needs attention again; retried once Account allows, it is confirmed and captured once', async () => {
    const id = await needingAttention();
    const capture = fakes.account.capture;
    fakes.account.capture = () => problem(409, 'insufficient_credit', { availableCreditCents: 0 });
    const again = await settle(id, { action: 'retry', reason: 'Customer says the card is topped up' });
    expect(again.body).toMatchObject({ status: 'needs_attention', reason: 'credit_not_reauthorized', settlement: { action: 'retry', from: 'credit_not_reauthorized' } });

    fakes.account.capture = capture;
    fakes.calls.length = 0;
    const res = await settle(id, { action: 'retry', reason: 'Topped up now, checked' });
    expect(res.body).toMatchObject({ status: 'confirmed', settlement: { action: 'retry', reason: 'Topped up now, checked' } });
    expect(callsFor(id).sort()).toEqual(['POST /holds/:id/capture', 'POST /reservations/:id/confirm']);
    expect(fakes.account.stateOf(id)).toBe('confirmed'); // captured
    expect(fakes.catalog.stateOf(id)).toBe('confirmed');
  });

  test('when an operator retries while Account is down, then it is pending and recovery confirms and captures it once Account is back', async () => {
    const id = await needingAttention();
    const capture = fakes.account.capture;
    fakes.account.capture = () => [503, { code: 'down' }];
    const res = await settle(id, { action: 'retry', reason: 'Credit limit raised' });
    expect(res.body).toMatchObject({ status: 'pending', settlement: { action: 'retry' } });
    expect(await order.stateOf(id)).toBe('committing');

    fakes.account.capture = capture;
    fakes.calls.length = 0;
    await order.app.recovery.runOnce();
    expect(await read(id)).toMatchObject({ status: 'confirmed', settlement: { action: 'retry', reason: 'Credit limit raised' } });
    expect(callsFor(id).filter((c) => c.endsWith('/capture'))).toEqual(['POST /holds/:id/capture']);
    expect(fakes.account.stateOf(id)).toBe('confirmed');
  });

  test('when an order needs attention because a release was refused, then it cannot be retried (409) but can be failed', async () => {
    const id = await leftOrder(order, { state: 'needs_attention', reason: { code: 'release_refused', title: 't', ended: 'out_of_stock' } });
    const retry = await settle(id, { action: 'retry', reason: 'try again' });
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ code: 'order_not_retryable', orderId: id, orderStatus: 'needs_attention' });
    expect(await row(id)).toMatchObject({ state: 'needs_attention', settlement: null });
    expect(fakes.calls).toEqual([]);
    expect((await settle(id, { action: 'fail', reason: 'give back what can be' })).body).toMatchObject({ status: 'failed' });
  });

  test.each(['accept', 'fail', 'retry'])('when the same %s is asked again, then it answers the stored outcome and nothing more is done', async (action) => {
    const id = await needingAttention();
    const first = await settle(id, { action, reason: WHY });
    expect(first.status).toBe(200);
    const sent = fakes.calls.length;
    const replay = await settle(id, { action, reason: WHY });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(fakes.calls).toHaveLength(sent);
    // Another settlement of the settled order is a conflict naming its state; nothing changes.
    const other = await settle(id, { action: action === 'accept' ? 'fail' : 'accept', reason: WHY });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'order_not_needing_attention', orderId: id, orderStatus: first.body.status });
    expect(await read(id)).toEqual(first.body);
  });

  const OTHER_STATES = (Object.keys(TRANSITIONS) as OrderState[]).filter((s) => s !== 'needs_attention');
  test.each(OTHER_STATES)('when the order is %s, then every action is 409 order_not_needing_attention with its status, and nothing changes', async (state) => {
    const id = await leftOrder(order, { state });
    const before = await read(id);
    for (const action of ['retry', 'fail', 'accept']) {
      const res = await settle(id, { action, reason: WHY });
      expect({ action, status: res.status, type: res.headers.get('content-type') }).toEqual({ action, status: 409, type: expect.stringMatching(/^application\/problem\+json/) });
      expect(res.body).toMatchObject({ code: 'order_not_needing_attention', orderId: id, orderStatus: publicStatus(state) });
    }
    expect(await read(id)).toEqual(before);
    expect(await order.stateOf(id)).toBe(state);
    expect(fakes.calls).toEqual([]);
  });

  test('when the order is unknown, then 404 unknown_order', async () => {
    const res = await settle(randomUUID(), { action: 'accept', reason: WHY });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('unknown_order');
  });

  test.each([
    ['an unknown action', { action: 'refund', reason: WHY }],
    ['no reason', { action: 'accept' }],
    ['an empty reason', { action: 'accept', reason: '' }],
    ['another field', { action: 'accept', reason: WHY, by: 'someone-else' }],
  ])('when the settlement has %s, then 400 validation_failed and the order still needs attention', async (_what, body) => {
    const id = await needingAttention();
    const res = await settle(id, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(await row(id)).toMatchObject({ state: 'needs_attention', settlement: null });
  });

  const REFUSED: Array<[string, () => Promise<Record<string, string>>]> = [
    ['no credential', async () => ({})],
    ['a wrong token', async () => ({ authorization: 'Bearer not-the-admin-token' })],
    ['the order\'s own customer token', async () => ({ authorization: `Bearer ${await issuer.token(ORDER.accountId)}` })],
    ['the service token', async () => ({ authorization: `Bearer ${SERVICE_TOKEN}` })],
  ];
  test.each(REFUSED)('when a settlement comes with %s, then 401 and the order still needs attention, nothing sent', async (_what, headers) => {
    const id = await needingAttention();
    for (const action of ['retry', 'fail', 'accept']) {
      const res = await settle(id, { action, reason: WHY }, await headers());
      expect({ action, status: res.status, code: res.body.code }).toEqual({ action, status: 401, code: 'unauthorized' });
    }
    expect(await row(id)).toMatchObject({ state: 'needs_attention', settlement: null });
    expect(fakes.calls).toEqual([]);
  });
});

describe('Settling in development (no ADMIN_TOKEN)', () => {
  const { order } = orderPerDescribe({});

  test('when an order is settled without a token, then it is, recorded as by "development"', async () => {
    const id = await leftOrder(order, { state: 'needs_attention', reason: { code: 'credit_hold_lapsed', title: 't' } });
    const res = await order.call('POST', `/orders/${id}/settlement`, { action: 'accept', reason: WHY });
    expect(res.status).toBe(200);
    expect(res.body.settlement).toMatchObject({ action: 'accept', by: 'development', reason: WHY });
  });
});

describe('Two settlements at once', () => {
  // Lock waits up to 10 s (the harness's 1 s would race the test's own steps on a loaded machine).
  const { order, fakes } = orderPerDescribe({
    ADMIN_TOKEN, ORDER_REQUEST_BUDGET_MS: '40000', ORDER_DB_TIMEOUT_MS: '10000', RECOVERY_GRACE_SECONDS: '60',
    RECOVERY_LEASE_SECONDS: '600', RECOVERY_BATCH_SIZE: '1',
  });

  /** Both settlements read the order needing attention, then queue on its row (held by the test): the compare-and-set decides. */
  async function together(id: string, bodies: [unknown, unknown]) {
    const lock = await holdInTransaction(order.databaseUrl, 'SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [id]);
    const answers = Promise.all(bodies.map((b) => order.call('POST', `/orders/${id}/settlement`, b, admin)));
    await waitUntilWaiting(order.databaseUrl, 2); // both reached the UPDATE: both had read needs_attention
    await lock.free();
    return answers;
  }

  test('when an accept and a fail race, then exactly one wins and the other is 409 naming the state it won', async () => {
    const id = await leftOrder(order, { state: 'needs_attention', reason: { code: 'credit_hold_lapsed', title: 't' } });
    fakes.catalog.reserve(id, { lines: ORDER.lines, ttlSeconds: 120 });
    fakes.account.hold(id, { accountId: ORDER.accountId, amountCents: PRICED.totalCents, currency: 'EUR', ttlSeconds: 300 });
    const answers = await together(id, [{ action: 'accept', reason: WHY }, { action: 'fail', reason: WHY }]);
    const won = answers.find((a) => a.status === 200)!;
    const lost = answers.find((a) => a.status === 409)!;
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(lost.body).toMatchObject({ code: 'order_not_needing_attention', orderStatus: won.body.status });
    expect((await order.call('GET', `/orders/${id}`, undefined, admin)).body).toMatchObject({ status: won.body.status, settlement: won.body.settlement });
    const expected = won.body.status === 'confirmed' ? 'held' : 'released'; // accept sends nothing; fail releases both
    expect([fakes.catalog.stateOf(id), fakes.account.stateOf(id)]).toEqual([expected, expected]);
  });

  test('when the same settlement is sent twice at once, then both answer the one outcome and it is applied once', async () => {
    const id = await leftOrder(order, { state: 'needs_attention', reason: { code: 'credit_hold_lapsed', title: 't' } });
    const answers = await together(id, [{ action: 'accept', reason: WHY }, { action: 'accept', reason: WHY }]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0].body).toEqual(answers[1].body);
    expect(fakes.calls).toEqual([]);
  });
});
