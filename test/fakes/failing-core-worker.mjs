/**
 * The real core worker (dist/channels/common/core-worker.js), which fails on command so the
 * tests can see CoreThread recover: a batch holding the question "CRASH THE WORKER" makes the
 * thread exit, one holding "HANG THE WORKER" makes it spin and never answer. This listener is
 * added first, so it runs before the real worker's.
 */
import { parentPort } from "node:worker_threads";

parentPort.on("message", (batch) => {
  const questions = batch.map((request) => request.question);
  if (questions.includes("CRASH THE WORKER")) process.exit(3);
  if (questions.includes("HANG THE WORKER")) for (;;);
});
await import(new URL("../../dist/channels/common/core-worker.js", import.meta.url).href);
