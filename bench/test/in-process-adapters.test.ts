// The benchmark's in-process adapters answer the saga as the HTTP clients do: the same values,
// and the same refusals (code, finality and details), for the same calls on two equal databases.
import { Registry } from 'prom-client';
import { holdService } from '../../account-service/src/domain/holds';
import { type AccountUnderTest, startAccount } from '../../account-service/test/account-harness';
import { reservationService } from '../../catalog-service/src/domain/reservations';
import { type CatalogUnderTest, startCatalog } from '../../catalog-service/test/catalog-harness';
import { Deadline } from 'service-platform';
import { accountClient } from '../../order-service/src/clients/account-client';
import { catalogClient } from '../../order-service/src/clients/catalog-client';
import { dependencyHttp } from '../../order-service/src/clients/dependency-answers';
import { Dependency, type DependencyPolicy } from '../../order-service/src/clients/resilience/dependency';
import { REQUEST } from '../../order-service/src/domain/order';
import type { CreditPort, Result, StockPort } from '../../order-service/src/domain/ports';
import { inProcessAccount } from '../in-process/account-adapter';
import { inProcessCatalog } from '../in-process/catalog-adapter';

const POLICY: DependencyPolicy = {
  breaker: { errorThresholdPercentage: 50, volumeThreshold: 5, resetTimeoutMs: 5_000, rollingWindowMs: 10_000 },
  retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
  maxConcurrent: 16,
};
const dependency = (name: string) => new Dependency(name, POLICY, new Registry());
const budget = () => ({ deadline: Deadline.after(5_000), writer: REQUEST });
/** The expiry depends on when each call ran: everything else must be equal. */
const comparable = (answers: Array<Result<unknown>>) => JSON.parse(JSON.stringify(answers).replace(/"expiresAt":"[^"]+"/g, '"expiresAt":"…"'));

describe('the in-process adapters of the saga\'s ports', () => {
  const catalogs: CatalogUnderTest[] = [];
  const accounts: AccountUnderTest[] = [];
  afterAll(async () => {
    for (const s of [...catalogs, ...accounts]) await s.close();
  });

  /** Every kind of answer the saga meets from Catalog, in one sequence. */
  async function catalogStory(catalog: StockPort): Promise<Array<Result<unknown>>> {
    return [
      await catalog.reserve('r-1', [{ sku: 'A', quantity: 2 }], 60, budget()),
      await catalog.reserve('r-1', [{ sku: 'A', quantity: 2 }], 60, budget()), // replay
      await catalog.reserve('r-1', [{ sku: 'A', quantity: 3 }], 60, budget()), // reservation_mismatch
      await catalog.reserve('r-2', [{ sku: 'NOPE', quantity: 1 }], 60, budget()), // unknown_item
      await catalog.reserve('r-3', [{ sku: 'A', quantity: 1_000 }], 60, budget()), // out_of_stock
      await catalog.reserve('r-4', [{ sku: 'A', quantity: 1 }, { sku: 'USD', quantity: 1 }], 60, budget()), // mixed_currencies
      await catalog.confirm('r-1', budget()),
      await catalog.release('r-1', budget()), // reservation_confirmed
      await catalog.confirm('r-9', budget()), // unknown_reservation
      await catalog.release('r-5', budget()), // closes an id never used
      await catalog.reserve('r-5', [{ sku: 'A', quantity: 1 }], 60, budget()), // reservation_released
    ];
  }

  async function accountStory(account: CreditPort): Promise<Array<Result<unknown>>> {
    const hold = (accountId: string, amountCents: number, currency = 'EUR') => ({ accountId, amountCents, currency, ttlSeconds: 60 });
    return [
      await account.hold('h-1', hold('acc', 500), budget()),
      await account.hold('h-1', hold('acc', 500), budget()), // replay
      await account.hold('h-1', hold('acc', 600), budget()), // hold_mismatch
      await account.hold('h-2', hold('nobody', 100), budget()), // unknown_account
      await account.hold('h-3', hold('acc', 1_000_000), budget()), // insufficient_credit
      await account.hold('h-4', hold('acc', 100, 'USD'), budget()), // currency_mismatch
      await account.capture('h-1', budget()),
      await account.release('h-1', budget()), // hold_captured
      await account.capture('h-9', budget()), // unknown_hold
      await account.release('h-5', budget()),
      await account.hold('h-5', hold('acc', 100), budget()), // hold_released
    ];
  }

  test('when Catalog is called in process instead of over HTTP, then every answer and refusal is the same', async () => {
    const [overHttp, inProcess] = [await startCatalog(), await startCatalog()];
    catalogs.push(overHttp, inProcess);
    for (const c of [overHttp, inProcess]) {
      await c.putItem('A', { stock: 10, priceCents: 250 });
      await c.putItem('USD', { stock: 10, currency: 'USD' });
    }
    const http = catalogClient(dependencyHttp(overHttp.baseUrl, undefined, 16), dependency('catalog'));
    const local = inProcessCatalog(reservationService(inProcess.app.reservations, { defaultSeconds: 300, maxSeconds: 3_600 }));

    const expected = comparable(await catalogStory(http));
    expect(comparable(await catalogStory(local))).toEqual(expected);
    expect(expected.filter((a: Result<unknown>) => !a.ok).map((a: { refused: { code: string } }) => a.refused.code)).toEqual([
      'reservation_mismatch', 'unknown_item', 'out_of_stock', 'mixed_currencies', 'reservation_confirmed', 'unknown_reservation', 'reservation_released',
    ]);
  });

  test('when Account is called in process instead of over HTTP, then every answer and refusal is the same', async () => {
    const [overHttp, inProcess] = [await startAccount(), await startAccount()];
    accounts.push(overHttp, inProcess);
    for (const a of [overHttp, inProcess]) await a.putAccount('acc', { creditLimitCents: 10_000 });
    const http = accountClient(dependencyHttp(overHttp.baseUrl, undefined, 16), dependency('account'));
    const local = inProcessAccount(holdService(inProcess.app.holds, { defaultSeconds: 300, maxSeconds: 3_600 }));

    const expected = comparable(await accountStory(http));
    expect(comparable(await accountStory(local))).toEqual(expected);
    expect(expected.filter((a: Result<unknown>) => !a.ok).map((a: { refused: { code: string } }) => a.refused.code)).toEqual([
      'hold_mismatch', 'unknown_account', 'insufficient_credit', 'currency_mismatch', 'hold_captured', 'unknown_hold', 'hold_released',
    ]);
  });

  test('when the budget is all but spent, then the in-process adapter refuses before doing anything, as the HTTP client does', async () => {
    const catalog = await startCatalog();
    catalogs.push(catalog);
    const local = inProcessCatalog(reservationService(catalog.app.reservations, { defaultSeconds: 300, maxSeconds: 3_600 }));
    expect(await local.release('r-1', { deadline: Deadline.after(5), writer: REQUEST }))
      .toEqual({ ok: false, unavailable: { dependency: 'catalog', reason: 'budget_exhausted', sent: false, retryAfterSeconds: 1 } });
  });
});
