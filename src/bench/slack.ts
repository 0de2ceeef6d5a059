/**
 * Benchmark of the Slack adapter: acknowledgement latency of signed `/ice-protocol` slash
 * commands, our app next to a bare Bolt app, measured in the same run on this machine.
 *
 *   npm run bench:slack                    # after `npm run build`
 *   node dist/bench/slack.js --levels 1,10,50,200 --requests 20000 --seconds 10 --rounds 10
 *
 * Each app runs in its own child process on 127.0.0.1 (an ephemeral port), with the same
 * Bolt HTTP receiver, signature check and listener path:
 *   - bare: a Bolt app whose command listener acks a fixed text;
 *   - adapter: our app with each question's Answer computed before the run (the Slack
 *     adapter's own cost: Bolt, routing, profile lookup, Block Kit, JSON);
 *   - ours: the real Slack app as main.ts serves it (startSlackApp with the core on its own
 *     thread, CoreThread), answering each question inside the ack;
 *   - inline: the same app with the core on the event loop, to show what the thread buys.
 * This process sends the commands as Slack does (form-encoded, HMAC-SHA256 signed, over
 * keep-alive connections), at each level of concurrency in turn ("in flight": that many
 * requests outstanding at all times), the apps taking turns, after an unmeasured warm-up
 * at the same level (JIT, connections). Each level is bounded by a request count and a time.
 * The questions are the labelled scenario questions of test/scenarios (real, messy, varied
 * lengths), in rotation, from rotating users.
 *
 * It prints p50/p99 ack latency and throughput for each app, the server's CPU time and event
 * loop busy time per request, and the ratio of each p99 to the bare p99 (target for ours:
 * under 1.5x). `--check` exits 1 when a level misses the target.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const SECRET = "bench-signing-secret-0123456789abcdef";
const TODAY = "2026-11-24";
/** The apps measured (see the top of this file). */
type Kind = "bare" | "ours" | "adapter" | "inline";
const KINDS: Kind[] = ["bare", "adapter", "ours", "inline"];

// ---------------------------------------------------------------------------------------
// Servers (child processes)

async function serve(kind: Kind): Promise<void> {
  const { LogLevel } = await import("@slack/bolt");
  let port: number;
  if (kind !== "bare") {
    const [{ startSlackApp }, { createEngine }, { loadPack }, { CoreThread }] = await Promise.all([
      import("../channels/slack/app.js"),
      import("../core/engine.js"),
      import("../policy/load.js"),
      import("../channels/common/core-thread.js"),
    ]);
    let engine = createEngine(loadPack());
    // As main.ts serves it: the core on its own thread.
    const core = kind === "ours" ? await CoreThread.start({ engine }) : undefined;
    if (kind === "adapter") {
      const real = engine;
      const known = new Map(loadQuestions().map((q) => [q, real.ask(q, { today: TODAY })]));
      engine = { ...real, ask: (q, options) => (options.role ? undefined : known.get(q)) ?? real.ask(q, options) };
    }
    const running = await startSlackApp({
      config: {
        mode: "http",
        signingSecret: SECRET,
        botToken: "xoxb-bench",
        botId: "B0BENCH",
        botUserId: "U0BENCH",
        port: 0,
        host: "127.0.0.1",
      },
      engine,
      ...(core ? { core } : {}),
      today: () => TODAY,
      logLevel: LogLevel.ERROR,
    });
    port = running.port;
  } else {
    const { App } = await import("@slack/bolt");
    // As lean as Bolt allows (no conversation store, ids given): the baseline is Bolt itself.
    const app = new App({
      signingSecret: SECRET,
      token: "xoxb-bench",
      botId: "B0BENCH",
      botUserId: "U0BENCH",
      convoStore: false,
      logLevel: LogLevel.ERROR,
    });
    app.command("/ice-protocol", async ({ ack }) => {
      await ack({
        response_type: "ephemeral",
        text: "ICE agents may not go past the front desk without a judicial warrant.",
      });
    });
    const server = (await app.start({ port: 0, host: "127.0.0.1" })) as import("node:http").Server;
    port = (server.address() as import("node:net").AddressInfo).port;
  }
  // The parent asks for this process's CPU time around each slice: CPU per request shows
  // what each app costs apart from the load generator, which shares the machine.
  process.on("message", (m) => {
    if (m === "cpu") {
      const { user, system } = process.cpuUsage();
      // The event loop's busy time apart from the process's: with the core on its own
      // thread, the loop (what every ack waits for) is the part that matters.
      process.send!({ cpuMicros: user + system, loopMicros: performance.eventLoopUtilization().active * 1000 });
    }
  });
  process.send!({ port });
}

interface Usage {
  cpuMicros: number;
  loopMicros: number;
}

function usageOf(child: ChildProcess): Promise<Usage> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if (typeof m === "object" && m !== null && "cpuMicros" in m) {
        child.off("message", onMessage);
        resolve(m as Usage);
      }
    };
    child.on("message", onMessage);
    child.send("cpu");
  });
}

function startChild(kind: Kind): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", kind], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (m) => resolve({ child, port: (m as { port: number }).port }));
    child.once("exit", (code) => reject(new Error(`the ${kind} server exited (${code}) before it was ready`)));
  });
}

// ---------------------------------------------------------------------------------------
// Load

function loadQuestions(): string[] {
  const dir = fileURLToPath(new URL("../../test/scenarios/", import.meta.url));
  const questions: string[] = [];
  if (existsSync(dir)) {
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith(".jsonl"))
      .sort()) {
      for (const line of readFileSync(`${dir}${file}`, "utf8").split("\n")) {
        if (!line.trim().startsWith("{")) continue;
        const q = (JSON.parse(line) as { question?: unknown }).question;
        if (typeof q === "string" && q.trim()) questions.push(q);
      }
    }
  }
  if (questions.length > 0) return questions;
  return [
    "ICE agents are at the front desk of my school without a warrant",
    "Immigration officers want our list of shelter residents",
    "ICE showed an I-200 form and wants to come into the clinic",
    "ICE asked us to help with an arrest outside the precinct",
    "Agents are forcing their way into the office and I feel unsafe",
    "La migra está en la puerta del refugio, ¿qué hago?",
  ];
}

interface Sample {
  latencies: number[];
  elapsedMs: number;
  errors: number;
  bytes: number;
  /** The server process's CPU time over the sample (filled in by main). */
  cpuMicros: number;
  /** The server's event-loop busy time over the sample (filled in by main). */
  loopMicros: number;
}

class Load {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  #n = 0;
  constructor(
    private readonly port: number,
    private readonly questions: string[],
  ) {}

  one(): Promise<{ ms: number; ok: boolean; bytes: number }> {
    const n = this.#n++;
    const body = new URLSearchParams({
      token: "legacy",
      team_id: "T0BENCH",
      team_domain: "bench",
      channel_id: "C0BENCH",
      channel_name: "general",
      user_id: `U0USER${n % 500}`,
      user_name: "asker",
      command: "/ice-protocol",
      text: this.questions[n % this.questions.length]!,
      api_app_id: "A0BENCH",
      is_enterprise_install: "false",
      response_url: "http://127.0.0.1:9/unused",
      trigger_id: `${n}.1.bench`,
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac("sha256", SECRET).update(`v0:${ts}:${body}`).digest("hex")}`;
    return new Promise((resolve) => {
      const t0 = performance.now();
      const req = request(
        {
          host: "127.0.0.1",
          port: this.port,
          path: "/slack/events",
          method: "POST",
          agent: this.#agent,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "content-length": Buffer.byteLength(body),
            "x-slack-request-timestamp": String(ts),
            "x-slack-signature": signature,
          },
        },
        (res) => {
          let bytes = 0;
          let head = "";
          res.on("data", (chunk: Buffer) => {
            if (head.length < 64) head += chunk.toString("utf8", 0, 64);
            bytes += chunk.length;
          });
          res.on("end", () =>
            resolve({
              ms: performance.now() - t0,
              ok: res.statusCode === 200 && head.includes('"response_type":"ephemeral"'),
              bytes,
            }),
          );
        },
      );
      req.on("error", () => resolve({ ms: performance.now() - t0, ok: false, bytes: 0 }));
      req.end(body);
    });
  }

  async run(inFlight: number, maxRequests: number, maxMs: number): Promise<Sample> {
    const latencies: number[] = [];
    let errors = 0;
    let bytes = 0;
    let started = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (started < maxRequests && performance.now() - t0 < maxMs) {
        started++;
        const r = await this.one();
        latencies.push(r.ms);
        bytes += r.bytes;
        if (!r.ok) errors++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return { latencies, elapsedMs: performance.now() - t0, errors, bytes, cpuMicros: 0, loopMicros: 0 };
  }

  close(): void {
    this.#agent.destroy();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// ---------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      serve: { type: "string" },
      levels: { type: "string", default: "1,10,50,200" },
      requests: { type: "string", default: "20000" },
      seconds: { type: "string", default: "10" },
      rounds: { type: "string", default: "10" },
      check: { type: "boolean", default: false },
    },
  });
  if (KINDS.includes(values.serve as Kind)) {
    await serve(values.serve as Kind);
    return -1; // keep serving until the parent kills us
  }
  const levels = values.levels.split(",").map(Number);
  const maxRequests = Number(values.requests);
  const maxMs = Number(values.seconds) * 1000;
  const rounds = Number(values.rounds);
  if (levels.some((l) => !(l >= 1)) || !(maxRequests >= 1) || !(maxMs > 0) || !(rounds >= 1)) {
    process.stderr.write(
      "usage: slack.js [--levels 1,10,50,200] [--requests 20000] [--seconds 10] [--rounds 10] [--check]\n",
    );
    return 2;
  }
  const questions = loadQuestions();
  const { version: boltVersion } = JSON.parse(
    readFileSync(fileURLToPath(new URL("../../node_modules/@slack/bolt/package.json", import.meta.url)), "utf8"),
  ) as { version: string };

  const servers = {} as Record<Kind, { child: ChildProcess; port: number }>;
  const loads = {} as Record<Kind, Load>;
  for (const kind of KINDS) {
    servers[kind] = await startChild(kind);
    loads[kind] = new Load(servers[kind].port, questions);
  }
  const out = process.stdout;
  out.write(
    `Slack ack latency: signed /ice-protocol commands over keep-alive HTTP to 127.0.0.1\n` +
      `Bolt ${boltVersion}, Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(1)}; ` +
      `${questions.length} scenario questions in rotation\n` +
      `per app and level: up to ${maxRequests} requests or ${maxMs / 1000} s, in ${rounds} slices, the apps taking turns\n` +
      `bare: Bolt acking a fixed text; ours: our app as served, answering inside the ack (ephemeral Block Kit),\n` +
      `the core on its own thread; inline: the same with the core on the event loop;\n` +
      `adapter: our app with each question's Answer computed beforehand (the Slack adapter's own cost)\n` +
      `CPU: the server process's CPU time (all threads); loop: its event loop's busy time\n\n`,
  );
  out.write(
    "in flight | app     |  p50 ms |  p99 ms |   req/s | CPU µs/req | loop µs/req | errors | ack bytes | p99 / bare p99\n",
  );
  out.write(
    "----------|---------|---------|---------|---------|------------|-------------|--------|-----------|---------------\n",
  );

  let missed = 0;
  for (const level of levels) {
    const merged = {} as Record<Kind, Sample>;
    for (const kind of KINDS)
      merged[kind] = { latencies: [], elapsedMs: 0, errors: 0, bytes: 0, cpuMicros: 0, loopMicros: 0 };
    // Warm-up at this level (connections opened, code hot), not measured.
    for (const kind of KINDS) await loads[kind].run(level, Math.max(300, level * 10), maxMs);
    // Short slices, the apps taking turns (in a rotating order), so a burst of load from
    // anything else on the machine falls on all of them alike.
    for (let round = 0; round < rounds; round++) {
      const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]!);
      for (const kind of order) {
        const before = await usageOf(servers[kind].child);
        const s = await loads[kind].run(level, Math.ceil(maxRequests / rounds), maxMs / rounds);
        const after = await usageOf(servers[kind].child);
        const m = merged[kind];
        m.cpuMicros += after.cpuMicros - before.cpuMicros;
        m.loopMicros += after.loopMicros - before.loopMicros;
        m.latencies.push(...s.latencies);
        m.elapsedMs += s.elapsedMs;
        m.errors += s.errors;
        m.bytes += s.bytes;
      }
    }
    const row = (kind: Kind) => {
      const m = merged[kind];
      const sorted = [...m.latencies].sort((a, b) => a - b);
      return {
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        rps: m.latencies.length / (m.elapsedMs / 1000),
        errors: m.errors,
        bytes: m.bytes / Math.max(1, m.latencies.length),
        cpu: m.cpuMicros / Math.max(1, m.latencies.length),
        loop: m.loopMicros / Math.max(1, m.latencies.length),
      };
    };
    const rows = Object.fromEntries(KINDS.map((k) => [k, row(k)])) as Record<Kind, ReturnType<typeof row>>;
    const ratio = (kind: Kind) => rows[kind].p99 / rows.bare.p99;
    if (!(ratio("ours") < 1.5)) missed++;
    for (const kind of KINDS) {
      const r = rows[kind];
      const note =
        kind === "bare"
          ? ""
          : `${ratio(kind).toFixed(2)}x${kind === "ours" && !(ratio(kind) < 1.5) ? " (over 1.5x)" : ""}`;
      out.write(
        `${String(level).padStart(9)} | ${kind.padEnd(7)} | ${r.p50.toFixed(2).padStart(7)} | ${r.p99.toFixed(2).padStart(7)} | ` +
          `${r.rps.toFixed(0).padStart(7)} | ${r.cpu.toFixed(0).padStart(10)} | ${r.loop.toFixed(0).padStart(11)} | ${String(r.errors).padStart(6)} | ${r.bytes.toFixed(0).padStart(9)} | ${note}\n`,
      );
    }
  }
  for (const kind of KINDS) {
    loads[kind].close();
    servers[kind].child.kill();
  }
  out.write(
    `\n${missed === 0 ? "ours is under 1.5x the bare app at p99 at every level." : `ours is at or over 1.5x the bare app at p99 at ${missed} of ${levels.length} levels.`}\n`,
  );
  return values.check && missed > 0 ? 1 : 0;
}

const code = await main();
if (code >= 0) process.exit(code);
