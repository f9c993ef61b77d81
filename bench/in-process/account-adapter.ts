// The saga's credit port, in process: the calls Account's hold routes make
// (account-service/src/domain/holds.ts), with the answers its HTTP client would give.
import type { Hold as StoredHold, HoldService } from '../../account-service/src/domain/holds';
import type { CreditPort } from '../../order-service/src/domain/ports';
import { answerWith } from 'service-platform';
import { answerOf } from './in-process-answers';

/** What Account's routes send (hold-routes.ts): the date as ISO text. */
const toDto = (h: StoredHold) => ({
  id: h.id, accountId: h.accountId, amountCents: h.amountCents, currency: h.currency, status: h.status, expiresAt: h.expiresAt.toISOString(),
});

export function inProcessAccount(holds: HoldService): CreditPort {
  const at = (id: string) => `/holds/${id}`;
  return {
    hold: (orderId, hold, { deadline }) => answerOf('account', at(orderId), deadline, async (callee) => toDto((await holds.place(orderId, hold, callee).catch(answerWith({ unknown_account: 422 }))).hold)),
    capture: (orderId, { deadline }) => answerOf('account', `${at(orderId)}/capture`, deadline, async (callee) => toDto(await holds.capture(orderId, callee))),
    release: (orderId, { deadline }) => answerOf('account', `${at(orderId)}/release`, deadline, async (callee) => {
      await holds.release(orderId, callee);
      return null;
    }),
  };
}
