/**
 * The rules core on a worker thread, for the chat servers.
 *
 * Why: a server's event loop does the HTTP, the signature check, Bolt's routing and the
 * rendering; the core's reading of a question is the one piece of pure CPU work in a
 * request, and on the event loop it runs cold (its tables and compiled patterns evicted by
 * everything else between two questions, several times slower than in a loop). On its own
 * thread it runs warm, on the machine's other core, and a burst of long questions never
 * delays the acknowledgement of anything else. Measured with `npm run bench:slack`.
 *
 * Nothing is lost if the thread fails: a question is answered in this thread by the same
 * engine when the worker is not running yet, has died, or has not answered within
 * `timeoutMs` (it is then replaced). The Answer is the same either way: the worker runs
 * the same core on the same pack, and the tests compare the two on every scenario.
 */
import { Worker } from "node:worker_threads";
import type { Answer } from "../../core/decide.js";
import { AskError, type AskOptions, type Engine } from "../../core/engine.js";

/** Anything that answers a question as engine.ask does: the engine itself, or a CoreThread. */
export interface Asker {
  ask(question: string, options: AskOptions): Answer | Promise<Answer>;
}

/** A question to the worker (core-worker.ts), which gets them in arrays, one per turn. */
export interface CoreRequest {
  id: number;
  question: string;
  options: AskOptions;
}

/** The worker's reply: the Answer, or the error engine.ask threw. */
export type CoreReply = { id: number; answer: Answer } | { id: number; error: { name: string; message: string } };

export interface CoreThreadOptions {
  /** The engine whose pack the worker compiles; it also answers whenever the worker cannot. */
  engine: Engine;
  /** A question the worker has not answered by then is answered here, and the worker replaced (default 1000 ms). */
  timeoutMs?: number;
  /** How long start() waits for the worker to compile the pack (default 20 s). */
  startTimeoutMs?: number;
  /** The worker's module (default: the compiled core-worker.js). */
  workerUrl?: URL;
  /** How long to wait before replacing a worker that died the first time (default 1000 ms); it doubles each time in a row. */
  respawnDelayMs?: number;
  /** Told when the worker fails, times out or is replaced (never with a question's text). */
  onProblem?: (text: string) => void;
}

interface Pending {
  question: string;
  options: AskOptions;
  sentAt: number;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
}

/**
 * The compiled worker, from src/ (tests run the TypeScript) and from dist/ alike: the path
 * leads to dist/ from both, as DEFAULT_PACK_DIR leads to src/. `npm test` builds first.
 */
export const DEFAULT_WORKER_URL = new URL("../../../dist/channels/common/core-worker.js", import.meta.url);

/** Replacing a worker that keeps dying waits longer each time, up to this. */
const MAX_RESPAWN_DELAY_MS = 60_000;

export class CoreThread implements Asker {
  readonly #engine: Engine;
  readonly #timeoutMs: number;
  readonly #startTimeoutMs: number;
  readonly #workerUrl: URL;
  readonly #onProblem: (text: string) => void;
  /** Questions sent to the worker and not answered yet, by id, oldest first. */
  readonly #pending = new Map<number, Pending>();
  /** Questions asked in this turn of the event loop, sent when it ends. */
  #thisTurn: Pending[] = [];
  readonly #sweeper: NodeJS.Timeout;
  #worker: Worker | undefined;
  #ready = false;
  #nextId = 1;
  #stopped = false;
  readonly #firstRespawnDelayMs: number;
  #respawnDelayMs: number;
  #respawnTimer: NodeJS.Timeout | undefined;
  /** How many questions each side answered (for the benchmark, the tests and an operator). */
  readonly counts = { worker: 0, thisThread: 0, replaced: 0 };

  private constructor(options: CoreThreadOptions) {
    this.#engine = options.engine;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#startTimeoutMs = options.startTimeoutMs ?? 20_000;
    this.#workerUrl = options.workerUrl ?? DEFAULT_WORKER_URL;
    this.#onProblem = options.onProblem ?? (() => {});
    this.#firstRespawnDelayMs = this.#respawnDelayMs = options.respawnDelayMs ?? 1000;
    // One timer for every question, not one each: the oldest question is checked a few
    // times per timeout period.
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(10, this.#timeoutMs / 4));
    this.#sweeper.unref();
  }

  /**
   * Starts the worker and waits until it has compiled the pack. If it cannot start, this
   * still resolves: questions are then answered in this thread, and `onProblem` says why.
   */
  static async start(options: CoreThreadOptions): Promise<CoreThread> {
    const thread = new CoreThread(options);
    await thread.#spawn();
    return thread;
  }

  /** Whether questions are going to the worker now (false: answered in this thread). */
  get running(): boolean {
    return this.#ready;
  }

  ask(question: string, options: AskOptions): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const pending: Pending = { question, options, sentAt: performance.now(), resolve, reject };
      if (!this.#ready) return this.#answerHere(pending);
      // Questions go to the worker together at the end of this turn of the event loop: one
      // message for all the questions that came in the same turn (a message's fixed cost is
      // paid on this thread, once per turn rather than once per question).
      this.#thisTurn.push(pending);
      if (this.#thisTurn.length === 1) setImmediate(this.#endOfTurn);
    });
  }

  readonly #endOfTurn = () => {
    const turn = this.#thisTurn;
    this.#thisTurn = [];
    const worker = this.#worker;
    if (!this.#ready || !worker) return turn.forEach((pending) => this.#answerHere(pending));
    // A question that came alone to an idle worker is read here: on a quiet server the hop
    // to the worker and back costs more than it saves.
    if (turn.length === 1 && this.#pending.size === 0) return this.#answerHere(turn[0]!);
    const batch: CoreRequest[] = [];
    for (const pending of turn) {
      const id = this.#nextId++;
      this.#pending.set(id, pending);
      batch.push({ id, question: pending.question, options: pending.options });
    }
    worker.postMessage(batch);
  };

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#sweeper);
    clearTimeout(this.#respawnTimer);
    await this.#detach()?.terminate();
  }

  /** Stops sending to the current worker and answers here what it still had; returns it. */
  #detach(): Worker | undefined {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#ready = false;
    this.#answerAllHere();
    return worker;
  }

  #answerHere(pending: Pending): void {
    this.counts.thisThread++;
    try {
      pending.resolve(this.#engine.ask(pending.question, pending.options));
    } catch (error) {
      pending.reject(error);
    }
  }

  #answerAllHere(): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of all) this.#answerHere(pending);
  }

  #spawn(): Promise<void> {
    return new Promise<void>((started) => {
      let worker: Worker;
      try {
        worker = new Worker(this.#workerUrl, { workerData: { pack: this.#engine.pack } });
      } catch (error) {
        this.#onProblem(
          `the core's worker thread could not start (${(error as Error).message}); answering in the main thread`,
        );
        this.#scheduleRespawn();
        return started();
      }
      this.#worker = worker;
      // A server is kept alive by its sockets; the worker alone should not keep a process up.
      worker.unref();
      const startTimer = setTimeout(() => {
        this.#onProblem(
          `the core's worker thread did not start within ${this.#startTimeoutMs} ms; answering in the main thread`,
        );
        void worker.terminate();
      }, this.#startTimeoutMs);
      startTimer.unref();
      const settleStart = () => {
        clearTimeout(startTimer);
        started();
      };
      worker.on("message", (message: CoreReply | { ready: true }) => {
        if ("ready" in message) {
          if (this.#worker === worker) {
            this.#ready = true;
            this.#respawnDelayMs = this.#firstRespawnDelayMs;
          }
          return settleStart();
        }
        this.#settle(message);
      });
      worker.on("error", (error) => {
        // The worker's own failure (an exception outside a question); "exit" follows.
        this.#onProblem(`the core's worker thread failed (${error.name}); answering in the main thread`);
      });
      worker.on("exit", () => {
        settleStart();
        if (this.#worker !== worker) return;
        this.#detach();
        this.#scheduleRespawn();
      });
    });
  }

  #scheduleRespawn(): void {
    if (this.#stopped || this.#respawnTimer) return;
    const delay = this.#respawnDelayMs;
    this.#respawnDelayMs = Math.min(MAX_RESPAWN_DELAY_MS, delay * 2);
    this.#respawnTimer = setTimeout(() => {
      this.#respawnTimer = undefined;
      if (!this.#stopped) {
        this.counts.replaced++;
        void this.#spawn();
      }
    }, delay);
    this.#respawnTimer.unref();
  }

  #settle(reply: CoreReply): void {
    const pending = this.#pending.get(reply.id);
    // Already answered here (timed out, or the worker was replaced): drop the late reply.
    if (!pending) return;
    this.#pending.delete(reply.id);
    if ("answer" in reply) {
      this.counts.worker++;
      return pending.resolve(reply.answer);
    }
    // The asker's mistake (an empty question, a bad date) is the same error as in this
    // thread; anything else is answered here, where it fails, or not, exactly as it would.
    if (reply.error.name === "AskError") return pending.reject(new AskError(reply.error.message));
    this.#answerHere(pending);
  }

  /** Questions the worker has not answered in time are answered here, and the worker replaced. */
  #sweep(): void {
    if (this.#pending.size === 0) return;
    // The map keeps the order questions were sent in: the first one is the oldest.
    const [oldestId, oldest] = this.#pending.entries().next().value as [number, Pending];
    if (performance.now() - oldest.sentAt < this.#timeoutMs) return;
    // Timers run before the event loop takes in the worker's messages: after a long stall
    // of this thread, answers may be waiting to be read. Check again once they have been.
    const worker = this.#worker;
    setImmediate(() => {
      if (this.#worker !== worker || !this.#pending.has(oldestId)) return;
      this.#onProblem(`the core's worker thread did not answer within ${this.#timeoutMs} ms; replacing it`);
      void this.#detach()?.terminate();
      this.#scheduleRespawn();
    });
  }
}
