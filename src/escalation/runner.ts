/**
 * The background loops every bot instance runs: deliver the outbox and fire due
 * reminders, every `intervalMs`. Several instances may run them at once (rows are
 * leased, reminders claimed). A database outage is reported to onError and retried on
 * the next tick; the loops never crash the process.
 */
import type { OutboxWorker } from "./outbox.js";
import type { ReminderScheduler } from "./reminders.js";

export interface LoopOptions {
  outbox: OutboxWorker;
  reminders?: ReminderScheduler;
  /** Default 2000 ms. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

export interface RunningLoops {
  /** Run one tick now (reminders, then outbox) and wait for it. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startEscalationLoops(options: LoopOptions): RunningLoops {
  const intervalMs = options.intervalMs ?? 2000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const once = async () => {
    try {
      await options.reminders?.fireDue();
    } catch (error) {
      options.onError?.(error);
    }
    try {
      await options.outbox.drain(10);
    } catch (error) {
      options.onError?.(error);
    }
  };

  const tick = () => {
    running = running.then(once);
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, intervalMs);
    timer.unref?.();
  };
  schedule();

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
