// Bad reservation requests: each is refused at the edge as problem+json and changes nothing
// (the item's stock and the reservation id are checked through the API afterwards).
import { request } from '../../test-support/loopback-http';
import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';
import { getReservation, newReservationId } from './reservation-calls';
import { expectProblem } from './answer-assertions';

// Large enough that 10 000 lines reach validation (rather than the body limit); 413 is shown past it.
const BODY_LIMIT = '1mb';

describe('Catalog reservations refusing bad input', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog({ BODY_LIMIT, RESERVATION_MAX_TTL_SECONDS: '600' });
  });
  afterAll(() => catalog.close());

  /** A fresh item with a stock of 10, and an id never used. */
  async function fixture() {
    const sku = newSku();
    expect((await catalog.putItem(sku, { stock: 10 })).status).toBe(201);
    return { sku, id: newReservationId('bad') };
  }

  /** Nothing was held and the id was not taken: it can still be reserved with a good body. */
  async function expectNothingChanged(sku: string, id: string) {
    expect(await catalog.stockOf(sku)).toBe(10);
    expect((await getReservation(catalog, id)).status).toBe(404);
    expect((await catalog.reserve(id, [{ sku, quantity: 1 }])).status).toBe(201);
    expect(await catalog.stockOf(sku)).toBe(9);
  }

  const fieldsOf = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);

  test.each<[string, (sku: string) => unknown, string]>([
    ['a negative quantity', (sku) => ({ lines: [{ sku, quantity: -1 }] }), 'body.lines[0].quantity'],
    ['a fractional quantity', (sku) => ({ lines: [{ sku, quantity: 1.5 }] }), 'body.lines[0].quantity'],
    ['a quantity of 0', (sku) => ({ lines: [{ sku, quantity: 0 }] }), 'body.lines[0].quantity'],
    ['a quantity above the largest', (sku) => ({ lines: [{ sku, quantity: 100_001 }] }), 'body.lines[0].quantity'],
    ['a string for the quantity', (sku) => ({ lines: [{ sku, quantity: '1' }] }), 'body.lines[0].quantity'],
    ['a missing quantity', (sku) => ({ lines: [{ sku }] }), 'body.lines[0].quantity'],
    ['a bad quantity on a later line', (sku) => ({ lines: [{ sku, quantity: 1 }, { sku, quantity: -2 }] }), 'body.lines[1].quantity'],
    ['no lines', () => ({ lines: [] }), 'body.lines'],
    ['no lines field', () => ({}), 'body.lines'],
    ['lines that are not an array', (sku) => ({ lines: { sku, quantity: 1 } }), 'body.lines'],
    ['10 000 lines', (sku) => ({ lines: Array.from({ length: 10_000 }, () => ({ sku, quantity: 1 })) }), 'body.lines'],
    ['101 lines', (sku) => ({ lines: Array.from({ length: 101 }, () => ({ sku, quantity: 1 })) }), 'body.lines'],
    ['an unknown top-level field', (sku) => ({ lines: [{ sku, quantity: 1 }], priority: 'high' }), 'body.priority'],
    ['an unknown field in a line', (sku) => ({ lines: [{ sku, quantity: 1, discount: 5 }] }), 'body.lines[0].discount'],
    ['an over-long sku (65 characters)', () => ({ lines: [{ sku: 'S'.repeat(65), quantity: 1 }] }), 'body.lines[0].sku'],
    ['a sku with spaces', () => ({ lines: [{ sku: 'A SKU', quantity: 1 }] }), 'body.lines[0].sku'],
    ['a number for the sku', () => ({ lines: [{ sku: 12345, quantity: 1 }] }), 'body.lines[0].sku'],
    ['a string for ttlSeconds', (sku) => ({ lines: [{ sku, quantity: 1 }], ttlSeconds: '60' }), 'body.ttlSeconds'],
    ['a ttlSeconds of 0', (sku) => ({ lines: [{ sku, quantity: 1 }], ttlSeconds: 0 }), 'body.ttlSeconds'],
    ['a fractional ttlSeconds', (sku) => ({ lines: [{ sku, quantity: 1 }], ttlSeconds: 1.5 }), 'body.ttlSeconds'],
    ['a ttlSeconds above RESERVATION_MAX_TTL_SECONDS', (sku) => ({ lines: [{ sku, quantity: 1 }], ttlSeconds: 601 }), 'body.ttlSeconds'],
    ['an array for the body', (sku) => [{ sku, quantity: 1 }], 'body'],
  ])('when a reservation has %s, then it is 400 validation_failed naming the field, and nothing changes', async (_label, body, field) => {
    const { sku, id } = await fixture();
    const res = await catalog.call('PUT', `/reservations/${id}`, body(sku));
    expectProblem(res, 400, 'validation_failed');
    expect(fieldsOf(res.body)).toContain(field);
    await expectNothingChanged(sku, id);
  });

  test.each([
    ['spaces', 'bad id'],
    ['65 characters', 'R'.repeat(65)],
    ['an illegal character', 'bad*id'],
    ['a leading dot', '.hidden'],
  ])('when the reservation id has %s, then every reservation operation is 400 naming params.reservationId and nothing changes', async (_label, badId) => {
    const { sku } = await fixture();
    const path = `/reservations/${encodeURIComponent(badId)}`;
    const answers = [
      await catalog.call('PUT', path, { lines: [{ sku, quantity: 1 }] }),
      await catalog.call('GET', path),
      await catalog.call('POST', `${path}/confirm`),
      await catalog.call('POST', `${path}/release`),
    ];
    for (const res of answers) {
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res.body)).toContain('params.reservationId');
    }
    expect(await catalog.stockOf(sku)).toBe(10);
  });

  test('when the reservation id is exactly 64 characters, then it is accepted', async () => {
    const { sku } = await fixture();
    const id = `R${'0'.repeat(63)}`;
    expect((await catalog.reserve(id, [{ sku, quantity: 2 }])).status).toBe(201);
    expect((await getReservation(catalog, id)).body).toMatchObject({ id, status: 'held' });
    expect(await catalog.stockOf(sku)).toBe(8);
  });

  test('when the body is sent as text/plain, then it is 415 unsupported_media_type and nothing changes', async () => {
    const { sku, id } = await fixture();
    const res = await request(catalog.baseUrl, 'PUT', `/reservations/${id}`, {
      rawBody: JSON.stringify({ lines: [{ sku, quantity: 1 }] }),
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(res, 415, 'unsupported_media_type');
    await expectNothingChanged(sku, id);
  });

  test('when the body has no content type, then it is 415 unsupported_media_type and nothing changes', async () => {
    const { sku, id } = await fixture();
    const raw = await fetch(`${catalog.baseUrl}/reservations/${id}`, {
      method: 'PUT',
      body: new Blob([JSON.stringify({ lines: [{ sku, quantity: 1 }] })]), // a Blob without a type sends no content-type
    });
    expectProblem({ status: raw.status, headers: raw.headers, body: await raw.json() }, 415, 'unsupported_media_type');
    await expectNothingChanged(sku, id);
  });

  test('when the body is not valid JSON, then it is 400 malformed_body and nothing changes', async () => {
    const { sku, id } = await fixture();
    const res = await request(catalog.baseUrl, 'PUT', `/reservations/${id}`, {
      rawBody: `{"lines":[{"sku":"${sku}","quantity":1}`,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 400, 'malformed_body');
    await expectNothingChanged(sku, id);
  });

  test('when the body is larger than the limit, then it is 413 payload_too_large and nothing changes', async () => {
    const { sku, id } = await fixture();
    // Valid JSON of about 1.2 MB, past BODY_LIMIT (1mb).
    const lines = Array.from({ length: 40_000 }, () => ({ sku, quantity: 1 }));
    const res = await request(catalog.baseUrl, 'PUT', `/reservations/${id}`, {
      rawBody: JSON.stringify({ lines }),
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 413, 'payload_too_large');
    await expectNothingChanged(sku, id);
  });
});

describe('Catalog reservations with the default body limit', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  test('when a reservation body is over 100kb, then it is 413 payload_too_large and nothing is held', async () => {
    const sku = newSku();
    await catalog.putItem(sku, { stock: 10 });
    const id = newReservationId('big');
    const res = await catalog.call('PUT', `/reservations/${id}`, { lines: [{ sku, quantity: 1 }], padding: 'x'.repeat(150_000) });
    expectProblem(res, 413, 'payload_too_large');
    expect(await catalog.stockOf(sku)).toBe(10);
    expect((await getReservation(catalog, id)).status).toBe(404);
  });
});
