/**
 * Time is injected (DESIGN.md §3): pure layers never read the clock; services get a {@link Clock}.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that only moves when told to: tests and the simulator. */
export class ManualClock implements Clock {
  constructor(private currentMs: number) {}

  nowMs(): number {
    return this.currentMs;
  }

  set(timestampMs: number): void {
    this.currentMs = timestampMs;
  }

  advance(durationMs: number): void {
    this.currentMs += durationMs;
  }
}
