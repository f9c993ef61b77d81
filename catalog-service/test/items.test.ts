import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';

describe('Catalog items', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  test('when an item is put for the first time, then it is 201 and readable with its stock', async () => {
    const sku = newSku();
    const created = await catalog.putItem(sku, { name: 'Kettle', priceCents: 3999, currency: 'EUR', stock: 7 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ sku, name: 'Kettle', priceCents: 3999, currency: 'EUR', stock: 7 });
    const read = await catalog.call('GET', `/items/${sku}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  test('when an existing item is put again, then it is 200 and replaced', async () => {
    const sku = newSku();
    const created = await catalog.putItem(sku, { priceCents: 100 });
    const replaced = await catalog.call('PUT', `/items/${sku}`, { name: `Item ${sku}`, priceCents: 250, currency: 'EUR', stock: 3 },
      { 'if-match': created.headers.get('etag')! });
    expect(replaced.status).toBe(200);
    expect(await catalog.call('GET', `/items/${sku}`)).toMatchObject({ body: { priceCents: 250, stock: 3 } });
  });

  test('when an unknown sku is read, then it is 404 unknown_item as problem+json', async () => {
    const res = await catalog.call('GET', '/items/NO-SUCH-SKU');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'unknown_item', skus: ['NO-SUCH-SKU'] });
  });

  test('when items are listed page by page, then every item comes once, in sku order', async () => {
    const prefix = newSku('PAGE');
    const skus = [0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`);
    for (const sku of skus) await catalog.putItem(sku);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Array<{ sku: string }>; nextCursor: string | null } } =
        await catalog.call('GET', `/items?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i) => i.sku));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.filter((s) => s.startsWith(prefix))).toEqual(skus);
    expect([...seen].sort()).toEqual(seen);
  });

  test('when the cursor is garbage, then it is 400 invalid_cursor', async () => {
    const res = await catalog.call('GET', '/items?cursor=bm90LWpzb24');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_cursor');
  });

  test.each([
    ['a negative price', { priceCents: -1 }, 'body.priceCents'],
    ['a fractional stock', { stock: 1.5 }, 'body.stock'],
    ['a negative stock', { stock: -3 }, 'body.stock'],
    ['a string for a number', { priceCents: '100' }, 'body.priceCents'],
    ['an unknown field', { colour: 'red' }, 'body.colour'],
    ['a lower-case currency', { currency: 'eur' }, 'body.currency'],
    ['a currency that is not ISO 4217', { currency: 'ZZZ' }, 'body.currency'],
  ])('when an item is put with %s, then it is 400 naming the field and nothing changes', async (_label, change, field) => {
    const sku = newSku();
    await catalog.putItem(sku, { priceCents: 500, stock: 4 });
    const res = await catalog.call('PUT', `/items/${sku}`, { name: 'x', priceCents: 1, currency: 'EUR', stock: 1, ...change });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await catalog.call('GET', `/items/${sku}`)).toMatchObject({ body: { priceCents: 500, stock: 4 } });
  });
});

describe('Catalog admin writes when ADMIN_TOKEN is set', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog({ ADMIN_TOKEN: 'admin-token-for-tests-0001', SERVICE_TOKEN: 'service-token-for-tests-01' });
  });
  afterAll(() => catalog.close());

  test('when an item is put without the token, then it is 401 and nothing is written', async () => {
    const sku = newSku();
    const res = await catalog.putItem(sku);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await catalog.call('GET', `/items/${sku}`)).status).toBe(404);
  });

  test('when an item is put with the service token instead of the admin token, then it is 401', async () => {
    const res = await catalog.call('PUT', `/items/${newSku()}`, { name: 'x', priceCents: 1, currency: 'EUR', stock: 1 }, {
      authorization: 'Bearer service-token-for-tests-01',
    });
    expect(res.status).toBe(401);
  });

  test('when an item is put with the admin token, then it is written', async () => {
    const res = await catalog.call('PUT', `/items/${newSku()}`, { name: 'x', priceCents: 1, currency: 'EUR', stock: 1 }, {
      authorization: 'Bearer admin-token-for-tests-0001',
    });
    expect(res.status).toBe(201);
  });

  test('when a reservation is made without the service token, then it is 401', async () => {
    const res = await catalog.reserve('no-token-1', [{ sku: 'X', quantity: 1 }]);
    expect(res.status).toBe(401);
  });
});
