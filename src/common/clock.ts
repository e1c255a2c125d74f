import { Module } from '@nestjs/common';

/**
 * The time, for everything that reads it (abstract class: type and DI token). Services inject it
 * instead of calling `Date.now()`, so a test sets the time through the clock it passes (or with
 * Jest's fake timers, which the system clock follows).
 */
export abstract class Clock {
  /** Milliseconds since the epoch. */
  abstract now(): number;

  date(): Date {
    return new Date(this.now());
  }

  /** Resolves after `ms`: a pause between re-reads (a test clock may move time instead of waiting). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** The machine's clock. */
export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

/** The system clock as the Clock provider: a module that reads the time imports this. */
@Module({ providers: [{ provide: Clock, useClass: SystemClock }], exports: [Clock] })
export class ClockModule {}
