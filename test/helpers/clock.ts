import type { Clock } from '../../src/clock';

/** A clock the test moves by hand. Starts at the real time so database defaults stay plausible. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(seconds: number): void {
    this.current += seconds * 1000;
  }
}
