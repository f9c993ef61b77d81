// The saga's Account port, in process: the calls Account's hold routes make
// (account-service/src/domain/holds.ts), with the answers its HTTP client would give.
import type { Hold as StoredHold, HoldService } from '../../account-service/src/domain/holds';
import type { AccountClient, Hold } from '../../order-service/src/clients/account-client';
import type { Dependency } from '../../order-service/src/clients/resilience/dependency';
import { answerWith } from 'service-platform';
import { answerOf, foundOrNull } from './answers';

/** What Account's routes send (hold-routes.ts): the date as ISO text; the stored currency is one the document's enum lists. */
const toDto = (h: StoredHold): Hold => ({
  id: h.id, accountId: h.accountId, amountCents: h.amountCents, currency: h.currency as Hold['currency'], status: h.status, expiresAt: h.expiresAt.toISOString(),
});

/** `dependency` only fills the port's shape (for /dependencies): no call goes through it. */
export function inProcessAccount(holds: HoldService, dependency: Dependency): AccountClient {
  const at = (id: string) => `/holds/${id}`;
  return {
    dependency,
    hold: (orderId, hold, deadline) => answerOf('account', at(orderId), deadline, async () => toDto((await holds.place(orderId, hold).catch(answerWith({ unknown_account: 422 }))).hold)),
    capture: (orderId, deadline) => answerOf('account', `${at(orderId)}/capture`, deadline, async () => toDto(await holds.capture(orderId))),
    release: (orderId, deadline) => answerOf('account', `${at(orderId)}/release`, deadline, async () => {
      await holds.release(orderId);
      return null;
    }),
    find: (orderId, deadline) => foundOrNull(answerOf('account', at(orderId), deadline, async () => toDto(await holds.get(orderId)))),
  };
}
