// X-Request-Budget-Ms bounds the Account's database work: a hold that waits on a locked account row
// past its budget is cancelled by PostgreSQL, rolled back, and leaves no lock behind.
import { busyBackends, holdInTransaction, waitUntilBlockedBy } from '../../test-support/row-locks';
import { type AccountUnderTest, newId, startAccount } from './account-harness';

describe('Account honours the caller\'s time budget in the database', () => {
  let account: AccountUnderTest;
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(() => account.close());

  test('when an account row is locked and a hold has 300 ms of budget, then it is 503 budget_exhausted within the budget plus a tolerance, holds nothing, and the row is free afterwards', async () => {
    const acc = newId('acc');
    expect((await account.putAccount(acc)).status).toBe(201);
    expect((await account.hold(newId('warm'), acc, 1)).status).toBe(201); // first-call costs are not what is measured
    const lock = await holdInTransaction(account.databaseUrl, 'SELECT id FROM accounts WHERE id = $1 FOR UPDATE', [acc]);
    const id = newId('h');
    const started = Date.now();
    const answer = account.call('PUT', `/holds/${id}`, { accountId: acc, amountCents: 500, currency: 'EUR' }, { 'x-request-budget-ms': '300' });
    await waitUntilBlockedBy(account.databaseUrl, lock.pid);
    const res = await answer;
    const took = Date.now() - started;

    expect({ status: res.status, code: res.body.code }).toEqual({ status: 503, code: 'budget_exhausted' });
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    // The budget plus a tolerance that holds on a loaded two-core machine shared with other suites
    // (issue 11: "say 500 ms"); without the database-side timeout the request is still waiting at 30 s.
    expect(took).toBeLessThan(300 + 2_500); // far below a wait for the lock, which the test holds until it frees it
    expect(await busyBackends(account.databaseUrl, [lock.pid])).toEqual([]);
    await lock.free();
    expect((await account.call('GET', `/holds/${id}`)).status).toBe(404);
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 1 });
    expect((await account.call('PUT', `/holds/${id}`, { accountId: acc, amountCents: 500, currency: 'EUR' }, { 'x-request-budget-ms': '300' })).status).toBe(201);
  });
});
