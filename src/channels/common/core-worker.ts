/**
 * The worker thread side of CoreThread (core-thread.ts): compiles the policy pack it was
 * given once, then answers each question message with engine.ask's Answer, or with the
 * error's name and message (an AskError stays an AskError on the other side). Nothing here
 * does I/O: the questions come and go over the thread's message port.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createEngine } from "../../core/engine.js";
import type { PolicyPack } from "../../policy/load.js";
import type { CoreReply, CoreRequest } from "./core-thread.js";

const port = parentPort;
if (!port) throw new Error("core-worker runs as a worker thread of CoreThread, not on its own");

const engine = createEngine((workerData as { pack: PolicyPack }).pack);

// Each message is the questions of one turn of the server's event loop; each answer goes
// back as soon as it is ready, so the first question does not wait for the last.
port.on("message", (batch: CoreRequest[]) => {
  for (const { id, question, options } of batch) {
    let reply: CoreReply;
    try {
      reply = { id, answer: engine.ask(question, options) };
    } catch (error) {
      const e = error as Error;
      reply = { id, error: { name: e?.name ?? "Error", message: e?.message ?? String(error) } };
    }
    port.postMessage(reply);
  }
});
port.postMessage({ ready: true });
