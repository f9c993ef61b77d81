// Consumer side of the Order → Catalog contract: every call the saga makes (recovery runs the same),
// through the real catalogClient (typed HTTP, Dependency with breaker and bulkhead, Deadline)
// against Pact's mock Catalog. Writes pacts/order-service-catalog-service.json (see pact-files.ts);
// catalog-service/test/contract/catalog-provider.pact.test.ts verifies it against the real Catalog.
import { MatchersV3 } from '@pact-foundation/pact';
import { catalogClient } from '../../src/clients/catalog-client';
import { priceFromReservation } from '../../src/domain/order-reasons';
import { budget, consumerTests } from './pact-files';
import { callHeaders, ISO_INSTANT, json, jsonRequest, problem, problemJson } from './pact-matchers';

const { datetime, eachLike, integer, regex, string } = MatchersV3;

const { contract, clientAt: catalogAt } = consumerTests('catalog-service', 'catalog', catalogClient);

const ID = 'ord-1';
const SKU = 'COFFEE-1KG';

const EXPIRES_AT = '2030-01-01T12:02:00.000Z';

/** A reservation as Order reads it: the prices per line and the currency, and its status. */
const reservation = (status: 'held' | 'confirmed', quantity = 2, unitPriceCents = 2450) => ({
  id: ID,
  status,
  lines: eachLike({ sku: string(SKU), quantity: integer(quantity), unitPriceCents: integer(unitPriceCents) }),
  totalCents: integer(quantity * unitPriceCents),
  currency: regex('^[A-Z]{3}$', 'EUR'),
  expiresAt: datetime(ISO_INSTANT, EXPIRES_AT),
});

const reserveRequest = (quantity: number, sku = SKU) => ({
  method: 'PUT',
  path: `/reservations/${ID}`,
  headers: jsonRequest,
  body: { lines: [{ sku, quantity }], ttlSeconds: integer(120) },
});

describe('order-service → catalog-service (Pact consumer)', () => {
  contract.test('reserve: 201 held, with the authoritative prices', (pact) => pact
    .given('an item with a price and stock', { sku: SKU, priceCents: 2450, currency: 'EUR', stock: 10 })
    .uponReceiving('a reservation of stock that is there')
    .withRequest(reserveRequest(2))
    .willRespondWith({ status: 201, headers: json, body: reservation('held') }),
  async (url) => {
    const answer = await catalogAt(url).reserve(ID, [{ sku: SKU, quantity: 2 }], 120, budget());
    if (!answer.ok) throw new Error(`refused: ${JSON.stringify(answer)}`);
    expect(answer.value.status).toBe('held');
    // What the saga does with it: the order is priced from the Catalog's answer.
    expect(priceFromReservation(answer.value)).toEqual({
      lines: [{ sku: SKU, quantity: 2, unitPriceCents: 2450, lineTotalCents: 4900 }],
      totalCents: 4900,
      currency: 'EUR',
    });
  });

  contract.test('reserve: 409 out_of_stock', (pact) => pact
    .given('an item with a price and stock', { sku: SKU, priceCents: 2450, currency: 'EUR', stock: 1 })
    .uponReceiving('a reservation of more stock than there is')
    .withRequest(reserveRequest(5))
    .willRespondWith({ status: 409, headers: problemJson, body: problem('out_of_stock', 'Not enough stock') }),
  async (url) => {
    const answer = await catalogAt(url).reserve(ID, [{ sku: SKU, quantity: 5 }], 120, budget());
    expect(answer).toEqual({ ok: false, refused: expect.objectContaining({ code: 'out_of_stock', title: 'Not enough stock', final: true }) });
  });

  contract.test('reserve: 422 unknown_item', (pact) => pact
    .given('no item', { sku: 'NO-SUCH-ITEM' })
    .uponReceiving('a reservation of an item that does not exist')
    .withRequest(reserveRequest(1, 'NO-SUCH-ITEM'))
    .willRespondWith({ status: 422, headers: problemJson, body: problem('unknown_item', 'Unknown item') }),
  async (url) => {
    const answer = await catalogAt(url).reserve(ID, [{ sku: 'NO-SUCH-ITEM', quantity: 1 }], 120, budget());
    expect(answer).toEqual({ ok: false, refused: expect.objectContaining({ code: 'unknown_item', final: false }) });
  });

  /** A confirmation the Catalog accepts from `state`: 200 with the confirmed reservation. */
  const confirmedFrom = (name: string, state: string, description: string) => contract.test(name, (pact) => pact
    .given(state, { reservationId: ID, sku: SKU, quantity: 2, priceCents: 2450 })
    .uponReceiving(description)
    .withRequest({ method: 'POST', path: `/reservations/${ID}/confirm`, headers: callHeaders })
    .willRespondWith({ status: 200, headers: json, body: reservation('confirmed') }),
  async (url) => {
    const answer = await catalogAt(url).confirm(ID, budget());
    expect(answer).toEqual({ ok: true, value: expect.objectContaining({ id: ID, status: 'confirmed' }) });
  });

  confirmedFrom('confirm: 200 confirmed', 'a held reservation', 'a confirmation of a held reservation');

  contract.test('confirm: 409 reservation_expired', (pact) => pact
    .given('a released reservation', { reservationId: ID, sku: SKU, quantity: 2 })
    .uponReceiving('a confirmation of a reservation that was released')
    .withRequest({ method: 'POST', path: `/reservations/${ID}/confirm`, headers: callHeaders })
    .willRespondWith({ status: 409, headers: problemJson, body: problem('reservation_expired', 'Reservation no longer held') }),
  async (url) => {
    const answer = await catalogAt(url).confirm(ID, budget());
    expect(answer).toEqual({ ok: false, refused: expect.objectContaining({ code: 'reservation_expired', final: true }) });
  });

  confirmedFrom('confirm: 200 confirmed, re-authorized after it expired by time', 'an expired reservation',
    'a confirmation of a reservation that expired while the stock is still there');

  contract.test('confirm: 409 out_of_stock, an expired reservation whose stock is gone', (pact) => pact
    .given('an expired reservation whose stock was sold meanwhile', { reservationId: ID, sku: SKU, quantity: 2 })
    .uponReceiving('a confirmation of a reservation that expired and whose stock was sold meanwhile')
    .withRequest({ method: 'POST', path: `/reservations/${ID}/confirm`, headers: callHeaders })
    .willRespondWith({
      status: 409, headers: problemJson,
      body: { ...problem('out_of_stock', 'Not enough stock'), shortages: eachLike({ sku: string(SKU), requested: integer(2), available: integer(1) }) },
    }),
  async (url) => {
    const answer = await catalogAt(url).confirm(ID, budget());
    expect(answer).toEqual({ ok: false, refused: expect.objectContaining({ code: 'out_of_stock', final: true }) });
  });

  contract.test('release: 204 for a held reservation', (pact) => pact
    .given('a held reservation', { reservationId: ID, sku: SKU, quantity: 2, priceCents: 2450 })
    .uponReceiving('a release of a held reservation')
    .withRequest({ method: 'POST', path: `/reservations/${ID}/release`, headers: callHeaders })
    .willRespondWith({ status: 204 }),
  async (url) => {
    expect(await catalogAt(url).release(ID, budget())).toEqual({ ok: true, value: null });
  });

  contract.test('release: 204 for an id never reserved (a compensation can always be sent)', (pact) => pact
    .given('no reservation', { reservationId: ID })
    .uponReceiving('a release of a reservation that was never made')
    .withRequest({ method: 'POST', path: `/reservations/${ID}/release`, headers: callHeaders })
    .willRespondWith({ status: 204 }),
  async (url) => {
    expect(await catalogAt(url).release(ID, budget())).toEqual({ ok: true, value: null });
  });
});
