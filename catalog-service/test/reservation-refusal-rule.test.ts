// The refusal rule of a reservation (reservation_refusal in prisma/sql/reservation.sql, the only
// copy), walked over every combination of what can be wrong with the lines: the first reason in
// the rule's order is the answer, with its details, and nothing is held.
import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';
import { expectProblem } from './answer-assertions';
import { getReservation, newReservationId } from './reservation-calls';

type Fault = 'unknown' | 'mixed' | 'short' | 'tooLarge';
const ORDER: Array<[Fault, string, number]> = [['unknown', 'unknown_item', 422], ['mixed', 'mixed_currencies', 422], ['short', 'out_of_stock', 409], ['tooLarge', 'total_too_large', 422]];
const ALL = ORDER.map(([fault]) => fault);
const combinations: Fault[][] = Array.from({ length: 1 << ALL.length }, (_, bits) => ALL.filter((_f, i) => bits & (1 << i)));

describe('the reservation refusal rule', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  async function item(spec: { priceCents: number; currency: string; stock: number }): Promise<string> {
    const sku = newSku('RULE');
    expect((await catalog.putItem(sku, spec)).status).toBe(201);
    return sku;
  }

  test.each(combinations.map((faults) => [faults.join('+') || 'nothing wrong', faults] as const))('when the lines have %s', async (_name, faults) => {
    const base = await item({ priceCents: 100, currency: 'EUR', stock: 5 });
    const lines = [{ sku: base, quantity: faults.includes('short') ? 6 : 1 }];
    const skus = [base];
    const unknown = newSku('NOPE');
    if (faults.includes('unknown')) lines.push({ sku: unknown, quantity: 1 });
    if (faults.includes('mixed')) {
      const usd = await item({ priceCents: 100, currency: 'USD', stock: 5 });
      lines.push({ sku: usd, quantity: 1 });
      skus.push(usd);
    }
    if (faults.includes('tooLarge')) {
      const dear = await item({ priceCents: 2_000_000_000, currency: 'EUR', stock: 5 });
      lines.push({ sku: dear, quantity: 2 });
      skus.push(dear);
    }
    const before = await Promise.all(skus.map((s) => catalog.stockOf(s)));
    const id = newReservationId();
    const res = await catalog.reserve(id, lines);
    const first = ORDER.find(([fault]) => faults.includes(fault));
    if (!first) {
      expect(res.status).toBe(201);
      return;
    }
    expectProblem(res, first[2], first[1]);
    const details = {
      unknown: { skus: [unknown] },
      mixed: { currencies: expect.arrayContaining(['EUR', 'USD']) },
      short: { shortages: [{ sku: base, requested: 6, available: 5 }] },
      tooLarge: {},
    }[first[0]];
    expect(res.body).toMatchObject(details);
    expect(await Promise.all(skus.map((s) => catalog.stockOf(s)))).toEqual(before);
    expect((await getReservation(catalog, id)).status).toBe(404);
  });
});
