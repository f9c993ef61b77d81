import type { Logger } from 'service-platform';
import type { OrderStore } from './order';

export interface LeaseTerms {
  /** How long a lease lives unless renewed (database clock). */
  leaseSeconds: number;
  /** How often its owner renews it while it works. */
  renewEveryMs: number;
}

/**
 * Runs `work` while keeping the worker's lease on one order alive: renewed every `renewEveryMs`
 * (database clock), never revived once it lapsed. A process that stops (SIGSTOP, a VM stall, a long
 * GC) renews nothing, so its lease runs out within `leaseSeconds` and another worker may take the
 * order; from then on the stalled worker's writes lose their compare-and-set on the owner.
 */
export async function whileLeased<T>(
  lease: { orderId: string; owner: string },
  deps: { orders: OrderStore; terms: LeaseTerms; logger: Logger },
  work: () => Promise<T>,
): Promise<T> {
  const renewal = renewUntilDone(lease, deps);
  try {
    return await work();
  } finally {
    renewal.stop(); // not awaited: a renewal held by a test hook must not hold the worker
  }
}

function renewUntilDone(lease: { orderId: string; owner: string }, deps: { orders: OrderStore; terms: LeaseTerms; logger: Logger }) {
  const { orders, terms, logger } = deps;
  let working = true;
  let wake = () => undefined as void;
  const tick = () => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, terms.renewEveryMs);
    wake = () => { clearTimeout(timer); resolve(); };
  });
  const loop = async () => {
    while (working) {
      await tick();
      if (!working) return;
      const renewed = await orders.renewLease(lease.orderId, lease.owner, terms.leaseSeconds)
        .catch((err: unknown) => { logger.warn({ orderId: lease.orderId, err: String(err) }, 'a lease renewal failed; trying again'); return true; });
      if (!renewed) {
        // Done meanwhile (the lease was given back), or lapsed: either way nothing more to renew.
        if (working) logger.info({ orderId: lease.orderId }, 'the lease lapsed before it was renewed; the order\'s writes by this worker will lose');
        return;
      }
    }
  };
  void loop();
  return { stop: () => { working = false; wake(); } };
}
