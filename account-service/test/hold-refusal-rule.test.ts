// The refusal rule of a hold (hold_refusal in prisma/sql/hold.sql, the only copy), walked over
// every combination of what can be wrong with it: the first reason in the rule's order is the
// answer, with its details, and nothing is held.
import { type AccountUnderTest, newId, startAccount } from './account-harness';

type Fault = 'unknownAccount' | 'otherCurrency' | 'tooMuch';
const ORDER: Array<[Fault, string, number]> = [['unknownAccount', 'unknown_account', 422], ['otherCurrency', 'currency_mismatch', 422], ['tooMuch', 'insufficient_credit', 409]];
const ALL = ORDER.map(([fault]) => fault);
const combinations: Fault[][] = Array.from({ length: 1 << ALL.length }, (_, bits) => ALL.filter((_f, i) => bits & (1 << i)));

describe('the hold refusal rule', () => {
  let account: AccountUnderTest;
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(() => account.close());

  test.each(combinations.map((faults) => [faults.join('+') || 'nothing wrong', faults] as const))('when the hold has %s', async (_name, faults) => {
    const acc = newId();
    expect((await account.putAccount(acc, { creditLimitCents: 1000, currency: 'EUR' })).status).toBe(201);
    const target = faults.includes('unknownAccount') ? newId('nope') : acc;
    const amount = faults.includes('tooMuch') ? 1001 : 1000;
    const id = newId('h');
    const res = await account.hold(id, target, amount, { currency: faults.includes('otherCurrency') ? 'USD' : 'EUR' });
    const first = ORDER.find(([fault]) => faults.includes(fault));
    if (!first) {
      expect(res.status).toBe(201);
      return;
    }
    expect({ status: res.status, code: res.body.code }).toEqual({ status: first[2], code: first[1] });
    expect(res.body).toMatchObject({
      unknownAccount: { accountId: target },
      otherCurrency: { accountCurrency: 'EUR' },
      tooMuch: { requestedCents: 1001, availableCreditCents: 1000 },
    }[first[0]]);
    expect(await account.accountOf(acc)).toMatchObject({ heldCents: 0, availableCreditCents: 1000 });
    expect((await account.call('GET', `/holds/${id}`)).status).toBe(404);
  });
});
