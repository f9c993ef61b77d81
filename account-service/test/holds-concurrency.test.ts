import { sleep } from '../../test-support/polling';
import { type AccountUnderTest, newId, startAccount } from './account-harness';

describe('Holds under concurrency', () => {
  let account: AccountUnderTest;
  const freshAccount = async (creditLimitCents: number) => {
    const id = newId();
    await account.putAccount(id, { creditLimitCents });
    return id;
  };
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(() => account.close());

  test('when 20 holds of 1000 race for a limit of 10000, then exactly 10 are accepted and nothing is oversold', async () => {
    const acc = await freshAccount(10_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => account.hold(newId('h'), acc, 1000)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'insufficient_credit')).toBe(true);
    const after = await account.accountOf(acc);
    expect(after).toMatchObject({ heldCents: 10_000, availableCreditCents: 0 });
    expect(after.heldCents + after.usedCents).toBeLessThanOrEqual(after.creditLimitCents);
  });

  test('when the same hold id is sent twice at once, then both answer the same hold and credit is held once', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    const [a, b] = await Promise.all([account.hold(id, acc, 3000), account.hold(id, acc, 3000)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body).toEqual(b.body);
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 3000, availableCreditCents: 7000 });
  });

  test('when capture and release race, then exactly one wins and the credit is counted once', async () => {
    const acc = await freshAccount(10_000);
    const ids = Array.from({ length: 10 }, () => newId('h'));
    for (const id of ids) await account.hold(id, acc, 500);
    const races = await Promise.all(ids.map((id) => Promise.all([account.capture(id), account.release(id)])));
    let captured = 0;
    for (const [capture, release] of races) {
      const captureWon = capture.status === 200 && release.status === 409 && release.body.code === 'hold_captured';
      const releaseWon = release.status === 204 && capture.status === 409 && capture.body.code === 'hold_expired';
      expect(captureWon !== releaseWon).toBe(true);
      if (captureWon) captured++;
    }
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: captured * 500, availableCreditCents: 10_000 - captured * 500 });
  });

  test('when capture and release race the expiry sweep of an expired hold, then exactly one of capture and release wins and the credit is counted once', async () => {
    const acc = await freshAccount(10_000);
    const ids = Array.from({ length: 10 }, () => newId('h'));
    for (const id of ids) await account.hold(id, acc, 1000, { ttlSeconds: 1 });
    await sleep(1200);
    // The sweep starts a moment after the HTTP calls, so it does not simply get to every hold first.
    const [captures, releases] = await Promise.all([
      Promise.all(ids.map((id) => account.capture(id))),
      Promise.all(ids.map((id) => account.release(id))),
      sleep(5).then(() => account.app.holds.expireDue()),
    ]);
    let captured = 0;
    for (const [i, capture] of captures.entries()) {
      const release = releases[i];
      const captureWon = capture.status === 200 && release.status === 409 && release.body.code === 'hold_captured';
      const releaseWon = release.status === 204 && capture.status === 409 && capture.body.code === 'hold_expired';
      expect(captureWon !== releaseWon).toBe(true);
      if (captureWon) captured++;
      expect((await account.call('GET', `/holds/${ids[i]}`)).body.status).toBe(captureWon ? 'captured' : 'released');
    }
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, usedCents: captured * 1000, availableCreditCents: 10_000 - captured * 1000 });
  });


  test('when a release arrives while a hold with that id is being placed, then the release waits for it and returns its credit', async () => {
    const acc = await freshAccount(10_000);
    const id = newId('h');
    // Keep the account row locked so the placement stops after claiming the id, uncommitted.
    let unlock!: () => void;
    const locked = new Promise<void>((resolve) => (unlock = resolve));
    const lockHeld = account.db.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM accounts WHERE id = ${acc} FOR UPDATE`;
      await locked;
    }, { timeout: 10_000 });
    await sleep(100);
    const placing = account.hold(id, acc, 1000);
    await sleep(200);
    const releasing = account.release(id);
    await sleep(200);
    unlock();
    await lockHeld;
    const [hold, release] = await Promise.all([placing, releasing]);
    expect(hold.status).toBe(201);
    expect(release.status).toBe(204);
    expect(await account.call('GET', `/holds/${id}`)).toMatchObject({ body: { status: 'released' } });
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, availableCreditCents: 10_000 });
  });
});
