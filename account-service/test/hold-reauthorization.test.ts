// Re-authorization after the point of no return: a hold that expired BY TIME is captured while the
// credit allows (one conditional UPDATE within the limit), else refused insufficient_credit (nothing
// changes); a released hold and a tombstone are never captured. Expiry is set through the database
// (what the clock does to a hold), the sweep run by hand: no sleeps.
import { holdInTransaction, waitUntilBlockedBy, waitUntilWaiting } from '../../test-support/row-locks';
import { type AccountUnderTest, newId, startAccount } from './account-harness';

describe('Account: capturing a hold that expired by time', () => {
  let account: AccountUnderTest;
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(() => account.close());

  async function accountWith(creditLimitCents: number): Promise<string> {
    const id = newId();
    expect((await account.putAccount(id, { creditLimitCents })).status).toBe(201);
    return id;
  }
  async function held(accountId: string, amountCents: number): Promise<string> {
    const id = newId('reauth');
    expect((await account.hold(id, accountId, amountCents)).status).toBe(201);
    return id;
  }
  const lapse = async (id: string) => {
    expect(await account.db.prisma.$executeRaw`UPDATE holds SET expires_at = now() - interval '1 second' WHERE id = ${id}`).toBe(1);
  };
  const sweep = async () => expect(await account.app.holds.expireDue()).toBeGreaterThanOrEqual(1);
  const expectProblem = (res: { status: number; body: any }, code: string) => expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code });

  test('when it lapsed and was not swept yet, then it is captured and its held credit becomes used once', async () => {
    const acc = await accountWith(10_000);
    const id = await held(acc, 3000);
    await lapse(id);
    expect((await account.call('GET', `/holds/${id}`)).body.status).toBe('expired');
    const res = await account.capture(id);
    expect(res).toMatchObject({ status: 200, body: { status: 'captured', amountCents: 3000 } });
    await account.app.holds.expireDue();
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 3000, availableCreditCents: 7000 });
  });

  test('when it lapsed and was swept (its credit given back), then it is captured with the credit taken again, once', async () => {
    const acc = await accountWith(10_000);
    const id = await held(acc, 4000);
    await lapse(id);
    await sweep();
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 0 });
    expect((await account.capture(id)).body.status).toBe('captured');
    expect((await account.capture(id)).status).toBe(200); // a replay takes nothing more
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 4000, availableCreditCents: 6000 });
  });

  test('when it lapsed and the credit was taken meanwhile, then it is 409 insufficient_credit and nothing is used; with the credit back it captures', async () => {
    const acc = await accountWith(10_000);
    const id = await held(acc, 4000);
    await lapse(id);
    await sweep();
    const other = await held(acc, 7000);
    const res = await account.capture(id);
    expectProblem(res, 'insufficient_credit');
    expect(res.body).toMatchObject({ requestedCents: 4000, availableCreditCents: 3000 });
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 7000, usedCents: 0 });
    expect((await account.call('GET', `/holds/${id}`)).body.status).toBe('expired');
    expect((await account.release(other)).status).toBe(204);
    expect((await account.capture(id)).body.status).toBe('captured');
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 4000 });
  });

  test('when a release arrives while a capture re-authorizes the lapsed hold, then the release waits and is 409 hold_captured, the credit used once', async () => {
    const acc = await accountWith(10_000);
    const id = await held(acc, 2500);
    await lapse(id);
    await sweep();
    // The test holds the account row: the capture locks the hold, then waits on the account.
    const holder = await holdInTransaction(account.databaseUrl, 'SELECT id FROM accounts WHERE id = $1 FOR UPDATE', [acc]);
    const capture = account.capture(id);
    await waitUntilBlockedBy(account.databaseUrl, holder.pid);
    const release = account.release(id);
    await waitUntilWaiting(account.databaseUrl, 2); // the release waits on the hold row the capture holds
    await holder.free('ROLLBACK');
    expect((await capture).body.status).toBe('captured');
    const released = await release;
    expect({ status: released.status, code: released.body?.code }).toEqual({ status: 409, code: 'hold_captured' });
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 2500 });
  });

  test('when it was released (before or after it lapsed), then it is still 409 hold_expired and nothing is used', async () => {
    const acc = await accountWith(10_000);
    const releasedHeld = await held(acc, 1000);
    expect((await account.release(releasedHeld)).status).toBe(204);
    const releasedLapsed = await held(acc, 2000);
    await lapse(releasedLapsed);
    await sweep();
    expect((await account.release(releasedLapsed)).status).toBe(204); // closes it: never re-authorized
    for (const id of [releasedHeld, releasedLapsed]) {
      const res = await account.capture(id);
      expectProblem(res, 'hold_expired');
      expect(res.body.holdStatus).toBe('released');
    }
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 0, availableCreditCents: 10_000 });
  });

  test('when the id is a tombstone (released before it was held), then capturing it is 409 hold_expired and nothing is used', async () => {
    const acc = await accountWith(10_000);
    const id = newId('tomb');
    expect((await account.release(id)).status).toBe(204);
    expectProblem(await account.capture(id), 'hold_expired');
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: 0 });
  });
});
