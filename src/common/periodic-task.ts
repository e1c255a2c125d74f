import type { Logger } from '@nestjs/common';

/**
 * Runs `task` every `intervalMs` (never two at once; a timer that does not keep the process up),
 * the first run after a random part of the interval so that replicas started together spread out.
 * A failure is logged and the next run comes as planned. Returns the function that stops it.
 */
export function everyInterval(intervalMs: number, task: () => Promise<void>, logger: Pick<Logger, 'warn'>, what: string): () => void {
  let running = false;
  let stopped = false;
  const run = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await task();
    } catch (error) {
      logger.warn(`${what} failed: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    void run();
    interval = setInterval(() => void run(), intervalMs);
    interval.unref();
  }, Math.floor(Math.random() * intervalMs));
  first.unref();
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(interval);
  };
}
