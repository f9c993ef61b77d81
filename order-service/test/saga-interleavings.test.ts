// The request path and recovery on one order, each held at a chosen step by a barrier the test
// opens (never by sleeps). Whatever the interleaving, exactly one actor decides the order, the
// fakes' commitments match its final state, and the client's answer agrees with it.
import nock from 'nock';
import type { Writer } from '../src/domain/order';
import type { SagaHooks, SagaPoint } from '../src/saga/saga-hooks';
import type { OrderState } from '../src/domain/order-state';
import { barrier, installFakes, problem, type Fakes, type Reply } from './fake-dependencies';
import { isolateNetwork, restoreNetwork, type OrderUnderTest, startOrder } from './order-harness';

/** One-shot barriers at saga points, per actor kind; records every winning move. */
function choreography() {
  const holds = new Map<string, ReturnType<typeof barrier>>();
  const moves: Array<{ to: OrderState; by: Writer['kind'] }> = [];
  const hooks: SagaHooks = {
    at: (point, _id, writer) => {
      const key = `${writer.kind}:${point}`;
      const held = holds.get(key);
      holds.delete(key);
      return held?.wait();
    },
    moved: (_id, _from, to, writer) => void moves.push({ to, by: writer.kind }),
  };
  return {
    hooks,
    moves,
    holdAt(kind: Writer['kind'], point: SagaPoint) {
      const b = barrier();
      holds.set(`${kind}:${point}`, b);
      return b;
    },
  };
}

/** A behaviour whose first call is held until the test opens it (later calls go straight through). */
function heldOnce(behaviour: (id: string, body: unknown) => Reply | Promise<Reply>) {
  const b = barrier();
  let first = true;
  const wrapped = async (id: string, body: unknown) => {
    if (!first) return behaviour(id, body);
    first = false;
    await b.wait();
    return behaviour(id, body);
  };
  return { ...b, behaviour: wrapped };
}

describe('The request path and recovery on the same order', () => {
  let order: OrderUnderTest;
  let fakes: Fakes;
  let play: ReturnType<typeof choreography>;
  beforeAll(async () => {
    isolateNetwork();
    // A long budget, so a request held at a barrier still has time when it is let go.
    const env = { ORDER_REQUEST_BUDGET_MS: '20000', RECOVERY_GRACE_SECONDS: '21', BREAKER_VOLUME_THRESHOLD: '1000' };
    order = await startOrder(env, { hooks: { at: (...a) => play.hooks.at(...a), moved: (...a) => play.hooks.moved?.(...a) } });
  });
  beforeEach(() => {
    fakes = installFakes();
    play = choreography();
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await order.close();
    restoreNetwork();
  });

  /** The request has outlived its grace period (a slow write, a clock, a long pause): recovery may take it. */
  const makeDue = () => order.sql('UPDATE orders SET next_attempt_at = now() WHERE state IN ($1, $2)', ['pending', 'committing']);
  const onlyOrderId = async () => (await order.sql(`SELECT id::text FROM orders ORDER BY created_at DESC LIMIT 1`))[0].id as string;
  const stored = async (id: string) => (await order.call('GET', `/orders/${id}`)).body;

  /** The commitments the fakes hold agree with the order's final state. */
  function expectCommitmentsToMatch(id: string, status: string) {
    if (status === 'confirmed') {
      expect([fakes.catalog.stateOf(id), fakes.account.stateOf(id)]).toEqual(['confirmed', 'confirmed']);
    } else {
      // Strict: once settled, a order that is not confirmed holds nothing anywhere.
      expect(['released', 'closed', undefined]).toContain(fakes.catalog.stateOf(id));
      expect(['released', 'closed', undefined]).toContain(fakes.account.stateOf(id));
    }
  }

  test('when recovery takes the order while the request is held before the hold, then recovery decides and the request answers its decision', async () => {
    const beforeHold = play.holdAt('request', 'hold');
    const answer = order.placeOrder();
    await beforeHold.reached;
    const id = await onlyOrderId();
    await makeDue();
    await order.app.recovery.runOnce();
    beforeHold.open();
    const res = await answer;
    expect(res.status).toBe(201);
    expect((await stored(id)).status).toBe('confirmed');
    expect(play.moves).toEqual([{ to: 'committing', by: 'lease' }, { to: 'confirmed', by: 'lease' }]);
    expectCommitmentsToMatch(id, 'confirmed');
  });

  test('when recovery fails the order while the request is held before the hold, then the late hold is refused and the request answers failed', async () => {
    const beforeHold = play.holdAt('request', 'hold');
    const answer = order.placeOrder();
    await beforeHold.reached;
    const id = await onlyOrderId();
    await makeDue();
    const happyHold = fakes.account.hold;
    fakes.account.hold = () => problem(503, 'down'); // recovery cannot hold: it fails the order and releases
    await order.app.recovery.runOnce();
    fakes.account.hold = happyHold;
    beforeHold.open();
    const res = await answer;
    expect(res.status).toBe(503);
    expect(res.body.orderId).toBe(id);
    expect((await stored(id)).status).toBe('failed');
    expect(play.moves).toEqual([{ to: 'failed', by: 'lease' }]);
    expectCommitmentsToMatch(id, 'failed');
  });

  test('when a request that placed the reservation and the hold stalls and recovery fails the order, then recovery releases the hold it never sent too', async () => {
    const beforeCommit = play.holdAt('request', 'commit'); // both commitments placed by the request
    const answer = order.placeOrder();
    await beforeCommit.reached;
    const id = await onlyOrderId();
    expect([fakes.catalog.stateOf(id), fakes.account.stateOf(id)]).toEqual(['held', 'held']);
    fakes.catalog.lapse(id); // the reservation lapsed meanwhile
    await makeDue();
    await order.app.recovery.runOnce();
    expect(await order.stateOf(id)).toBe('failed');
    expect(play.moves).toEqual([{ to: 'failed', by: 'lease' }]);
    expect(fakes.account.stateOf(id)).toBe('released'); // recovery held nothing itself, and released it all the same
    beforeCommit.open();
    expect((await answer).status).toBe(503);
    expectCommitmentsToMatch(id, 'failed');
    expect((await order.sql('SELECT releases_owed FROM orders WHERE id = $1', [id]))[0].releases_owed).toBe(false);
  });

  test('when recovery looks while the hold is in flight, then only one of them decides and nothing is charged on a failed order', async () => {
    const inFlight = heldOnce(fakes.account.hold);
    fakes.account.hold = inFlight.behaviour;
    // Should recovery send releases, hold the first one, so that the held hold can land before it.
    const release = heldOnce(fakes.account.release);
    fakes.account.release = release.behaviour;
    const answer = order.placeOrder();
    await inFlight.reached;
    const id = await onlyOrderId();
    await makeDue();
    const recovering = order.app.recovery.runOnce();
    await Promise.race([recovering, release.reached]);
    inFlight.open(); // the request's hold lands
    const res = await answer;
    release.open();
    await recovering;
    const final = (await stored(id)).status;
    expect(['confirmed', 'failed']).toContain(final);
    expect(res.status).toBe(final === 'confirmed' ? 201 : 503);
    expectCommitmentsToMatch(id, final);
    expect(play.moves.filter((m) => m.to !== 'committing')).toHaveLength(1); // one decision
  });

  test('when recovery takes the order after the request recorded the point of no return, then both go forward and one records confirmed', async () => {
    const afterCommitting = play.holdAt('request', 'confirm');
    const answer = order.placeOrder();
    await afterCommitting.reached;
    const id = await onlyOrderId();
    expect(await order.stateOf(id)).toBe('committing');
    await makeDue();
    await order.app.recovery.runOnce();
    afterCommitting.open();
    const res = await answer;
    expect(res.status).toBe(201);
    expect(play.moves).toEqual([{ to: 'committing', by: 'request' }, { to: 'confirmed', by: 'lease' }]);
    expectCommitmentsToMatch(id, 'confirmed');
    expect(fakes.callsTo('POST', /\/release$/)).toHaveLength(0);
  });

  test('when recovery acts on a stale snapshot of an order the request moved to committing, then its write loses and changes nothing', async () => {
    const beforeReserve = play.holdAt('request', 'reserve');
    const answer = order.placeOrder();
    await beforeReserve.reached;
    const id = await onlyOrderId();
    await makeDue();
    const stale = play.holdAt('lease', 'recover'); // recovery leased the order while it was pending
    const recovering = order.app.recovery.runOnce();
    await stale.reached;
    const afterCommitting = play.holdAt('request', 'confirm');
    beforeReserve.open();
    await afterCommitting.reached;
    fakes.account.hold = () => problem(503, 'down'); // what recovery now sees would fail the order
    stale.open();
    await recovering;
    expect(await order.stateOf(id)).toBe('committing');
    afterCommitting.open();
    expect((await answer).status).toBe(201);
    expect(play.moves).toEqual([{ to: 'committing', by: 'request' }, { to: 'confirmed', by: 'request' }]);
    expectCommitmentsToMatch(id, 'confirmed');
  });

  // The two tests below guard the fence before the confirmation: the request's confirm and
  // recovery's decision to end the order must be ordered by one compare-and-set in Order's store.
  // Were the confirmation sent while the order is still `pending` (the point of no return left to
  // Catalog alone), recovery could end the order in Order's store while the late actor confirms in
  // Catalog: a client told 503 with the stock sold, the hold released or captured.
  test('when recovery meets a failure while the request is held just before it confirms, then it cannot end the order: confirmed, released nowhere, and the request answers 201', async () => {
    const beforeConfirm = play.holdAt('request', 'confirm');
    const answer = order.placeOrder();
    await beforeConfirm.reached;
    const id = await onlyOrderId();
    await makeDue();
    const happyHold = fakes.account.hold;
    fakes.account.hold = () => problem(503, 'down'); // what recovery would meet, were it to hold again
    const firstRelease = play.holdAt('lease', 'release'); // were recovery to give back, its Catalog release waits here
    const recovering = order.app.recovery.runOnce();
    await Promise.race([recovering, firstRelease.reached]);
    fakes.account.hold = happyHold;
    beforeConfirm.open(); // the request confirms (and captures) while recovery is done, or between its end and its releases
    const res = await answer;
    firstRelease.open();
    await recovering;
    expect(await order.stateOf(id)).toBe('confirmed');
    expect(res.status).toBe(201);
    expectCommitmentsToMatch(id, 'confirmed');
    expect(fakes.callsTo('POST', /\/release$/)).toHaveLength(0);
    expect(play.moves.filter((m) => m.to !== 'committing')).toEqual([{ to: 'confirmed', by: 'lease' }]);
  });

  test('when the request meets a failure while recovery captures an order it confirmed, then the request cannot end it: it answers pending, recovery confirms, nothing is released', async () => {
    const beforeHold = play.holdAt('request', 'hold');
    const answer = order.placeOrder();
    await beforeHold.reached;
    const id = await onlyOrderId();
    await makeDue();
    const capturing = heldOnce(fakes.account.capture); // recovery is held as it captures, after it confirmed
    fakes.account.capture = capturing.behaviour;
    const recovering = order.app.recovery.runOnce();
    await capturing.reached;
    expect(fakes.catalog.stateOf(id)).toBe('confirmed');
    const happyHold = fakes.account.hold;
    fakes.account.hold = () => problem(503, 'down'); // the request's own hold fails: it would end the order
    beforeHold.open();
    const res = await answer;
    fakes.account.hold = happyHold;
    capturing.open();
    await recovering;
    expect(res.status).toBe(202); // past the point of no return when the request looked: pending to the client
    expect((await stored(id)).status).toBe('confirmed');
    expectCommitmentsToMatch(id, 'confirmed');
    expect(fakes.callsTo('POST', /\/release$/)).toHaveLength(0);
    expect(play.moves.filter((m) => m.to !== 'committing')).toEqual([{ to: 'confirmed', by: 'lease' }]);
  });

  test('when the application clock runs a minute behind the database, then recovery takes nothing still in flight', async () => {
    jest.useFakeTimers({
      now: Date.now() - 60_000, advanceTimers: true,
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
    try {
      const beforeHold = play.holdAt('request', 'hold');
      const answer = order.placeOrder();
      await beforeHold.reached;
      expect(await order.app.recovery.runOnce()).toBe(0);
      beforeHold.open();
      expect((await answer).status).toBe(201);
      expect(play.moves.map((m) => m.by)).toEqual(['request', 'request']);
    } finally {
      jest.useRealTimers();
    }
  });
});
