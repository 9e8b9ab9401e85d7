/**
 * A counting semaphore with a bounded queue. Hand-written because it is ten lines: argon2 with
 * 19 MiB per hash must not run unboundedly in parallel (200 parallel logins would need 4 GB), and
 * a queue that grows without limit only moves the problem. Overflow is refused at once.
 */
export class WorkLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  /** Runs `work` when a slot is free; returns undefined without running it when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return { value: await work() };
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
