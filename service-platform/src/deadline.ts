/**
 * The time a request may still take. Every outbound call gets what is left as its timeout and as
 * an AbortSignal, so a slow dependency can never hold a request past its budget.
 */
export class Deadline {
  private aborts?: AbortSignal;
  private constructor(readonly at: number) {}

  static after(ms: number): Deadline {
    return new Deadline(Date.now() + ms);
  }

  /** The same deadline, or `ms` from now if that comes first. */
  atMost(ms: number): Deadline {
    return Date.now() + ms < this.at ? Deadline.after(ms) : this;
  }

  /** A deadline `ms` before this one: what is left once `ms` is kept back for what comes after. */
  keeping(ms: number): Deadline {
    return new Deadline(this.at - ms);
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  /**
   * Aborts when the budget runs out: one signal (one timer) per deadline, shared by every call made
   * within it, and the only clock on them (axios gets no timeout of its own).
   */
  signal(): AbortSignal {
    return (this.aborts ??= AbortSignal.timeout(Math.max(1, Math.ceil(this.remainingMs())))); // AbortSignal.timeout takes whole milliseconds
  }
}
