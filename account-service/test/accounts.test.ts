import { type AccountUnderTest, newId, startAccount } from './account-harness';

describe('Accounts', () => {
  let account: AccountUnderTest;
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(() => account.close());

  test('when an account is put for the first time, then it is 201 and readable with its available credit', async () => {
    const id = newId();
    const created = await account.putAccount(id, { name: 'Dora', currency: 'EUR', creditLimitCents: 5000 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id, name: 'Dora', currency: 'EUR', creditLimitCents: 5000, heldCents: 0, usedCents: 0, availableCreditCents: 5000 });
    const read = await account.call('GET', `/accounts/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  test('when an existing account is put again, then it is 200 and replaced', async () => {
    const id = newId();
    await account.putAccount(id, { creditLimitCents: 100 });
    const replaced = await account.putAccount(id, { name: 'Renamed', creditLimitCents: 250 });
    expect(replaced.status).toBe(200);
    expect(await account.accountOf(id)).toMatchObject({ name: 'Renamed', creditLimitCents: 250, availableCreditCents: 250 });
  });

  test('when credit is held and used, then available is the limit minus both', async () => {
    const id = newId();
    await account.putAccount(id, { creditLimitCents: 10_000 });
    await account.hold(newId('h'), id, 1500);
    const used = newId('h');
    await account.hold(used, id, 2500);
    await account.capture(used);
    expect(await account.accountOf(id)).toMatchObject({ heldCents: 1500, usedCents: 2500, availableCreditCents: 6000 });
  });

  test('when an unknown account is read, then it is 404 unknown_account as problem+json', async () => {
    const res = await account.call('GET', '/accounts/no-such-account');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'unknown_account' });
  });

  test('when accounts are listed page by page, then every account comes once, in id order', async () => {
    const prefix = newId('page');
    const ids = [0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`);
    for (const id of ids) await account.putAccount(id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } =
        await account.call('GET', `/accounts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((a) => a.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.filter((s) => s.startsWith(prefix))).toEqual(ids);
    expect([...seen].sort()).toEqual(seen);
  });

  test('when the limit is lowered below what is held and used, then it is 409 and nothing changes', async () => {
    const id = newId();
    await account.putAccount(id, { creditLimitCents: 10_000 });
    await account.hold(newId('h'), id, 3000);
    const used = newId('h');
    await account.hold(used, id, 2000);
    await account.capture(used);
    const res = await account.putAccount(id, { name: 'Lowered', creditLimitCents: 4999 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'credit_limit_below_commitments', heldCents: 3000, usedCents: 2000 });
    expect(await account.accountOf(id)).toMatchObject({ name: `Account ${id}`, creditLimitCents: 10_000, availableCreditCents: 5000 });
  });

  test('when the limit is lowered to exactly what is held and used, then it is accepted with nothing available', async () => {
    const id = newId();
    await account.putAccount(id, { creditLimitCents: 10_000 });
    await account.hold(newId('h'), id, 3000);
    const res = await account.putAccount(id, { creditLimitCents: 3000 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ creditLimitCents: 3000, availableCreditCents: 0 });
  });

  test('when the currency of an account with held credit is changed, then it is 409 and nothing changes', async () => {
    const id = newId();
    await account.putAccount(id, { currency: 'EUR' });
    await account.hold(newId('h'), id, 100);
    const res = await account.putAccount(id, { currency: 'USD' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('currency_in_use');
    expect(await account.accountOf(id)).toMatchObject({ currency: 'EUR', heldCents: 100 });
  });

  test('when the currency of an account with nothing held or used is changed, then it is replaced', async () => {
    const id = newId();
    await account.putAccount(id, { currency: 'EUR' });
    expect((await account.putAccount(id, { currency: 'USD' })).status).toBe(200);
    expect(await account.accountOf(id)).toMatchObject({ currency: 'USD' });
  });

  test.each([
    ['a negative limit', { creditLimitCents: -1 }, 'body.creditLimitCents'],
    ['a fractional limit', { creditLimitCents: 10.5 }, 'body.creditLimitCents'],
    ['a limit beyond 2^53', { creditLimitCents: 2 ** 53 + 2 }, 'body.creditLimitCents'],
    ['a string for a number', { creditLimitCents: '100' }, 'body.creditLimitCents'],
    ['an unknown field', { heldCents: 0 }, 'body.heldCents'],
    ['an empty name', { name: '' }, 'body.name'],
    ['a lower-case currency', { currency: 'eur' }, 'body.currency'],
    ['a currency that is not ISO 4217', { currency: 'ZZZ' }, 'body.currency'],
  ])('when an account is put with %s, then it is 400 naming the field and nothing changes', async (_label, change, field) => {
    const id = newId();
    await account.putAccount(id, { name: 'Before', creditLimitCents: 500 });
    const res = await account.call('PUT', `/accounts/${id}`, { name: 'After', currency: 'EUR', creditLimitCents: 1, ...change });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await account.accountOf(id)).toMatchObject({ name: 'Before', currency: 'EUR', creditLimitCents: 500 });
  });
});

describe('Account admin writes when ADMIN_TOKEN is set', () => {
  let account: AccountUnderTest;
  beforeAll(async () => {
    account = await startAccount({ ADMIN_TOKEN: 'admin-token-for-tests-0001', SERVICE_TOKEN: 'service-token-for-tests-01' });
  });
  afterAll(() => account.close());

  test('when an account is put without the token, then it is 401 and nothing is written', async () => {
    const id = newId();
    const res = await account.putAccount(id);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await account.call('GET', `/accounts/${id}`)).status).toBe(404);
  });

  test('when an account is put with the service token instead of the admin token, then it is 401', async () => {
    const res = await account.call('PUT', `/accounts/${newId()}`, { name: 'x', currency: 'EUR', creditLimitCents: 1 }, {
      authorization: 'Bearer service-token-for-tests-01',
    });
    expect(res.status).toBe(401);
  });

  test('when an account is put with the admin token, then it is written', async () => {
    const res = await account.call('PUT', `/accounts/${newId()}`, { name: 'x', currency: 'EUR', creditLimitCents: 1 }, {
      authorization: 'Bearer admin-token-for-tests-0001',
    });
    expect(res.status).toBe(201);
  });

  test('when a hold is placed without the service token, then it is 401', async () => {
    const res = await account.hold(newId('h'), 'acc-alice', 100);
    expect(res.status).toBe(401);
  });
});
