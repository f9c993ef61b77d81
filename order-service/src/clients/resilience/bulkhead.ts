/**
 * Bounds the calls in flight to one dependency, so a slow dependency can take at most this many
 * of Order's requests with it. No queue: a full bulkhead refuses at once (a queue would only turn
 * into waiting, which is what the budget forbids).
 */
export class Bulkhead {
  private active = 0;

  constructor(readonly max: number) {}

  get inFlight(): number {
    return this.active;
  }

  tryEnter(): boolean {
    if (this.active >= this.max) return false;
    this.active++;
    return true;
  }

  leave(): void {
    this.active--;
  }
}
