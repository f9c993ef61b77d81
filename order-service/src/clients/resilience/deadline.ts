/**
 * The time a request may still take. Every outbound call gets what is left as its timeout and as
 * an AbortSignal, so a slow dependency can never hold a request past its budget.
 */
export class Deadline {
  private constructor(readonly at: number) {}

  static after(ms: number): Deadline {
    return new Deadline(Date.now() + ms);
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Aborts when the budget runs out. */
  signal(): AbortSignal {
    return AbortSignal.timeout(Math.max(1, Math.ceil(this.remainingMs()))); // AbortSignal.timeout takes whole milliseconds
  }
}
