/**
 * Benchmark of the rules core: `engine.ask` (read the question, decide, build the Answer),
 * single-threaded, on a large varied set of generated questions.
 *
 *   npm run bench                          # after `npm run build`
 *   node dist/bench/core.js --asks 200000 --seed 7
 *
 * The questions come from combinatorial templates (who asks, where, which agents, what they
 * want, what paper they hold, pressure, chat noise, typos, Spanish, long backstories up to
 * about 1,500 characters), with a fixed seed so runs compare. It warms up, then times every
 * ask and prints throughput and latency percentiles, overall and for short and long
 * questions. Nothing here is a test: timings are reported, never asserted.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createEngine } from "../core/engine.js";
import { loadPack } from "../policy/load.js";
import type { Decision, Role } from "../policy/vocabulary.js";

const TODAY = "2026-11-24";
/** Questions longer than this many characters count as long (a backstory, not a chat line). */
const LONG_FROM = 300;

const { values: opts } = parseArgs({
  options: {
    asks: { type: "string", default: "100000" },
    warmup: { type: "string", default: "20000" },
    questions: { type: "string", default: "6000" },
    seed: { type: "string", default: "20261124" },
  },
});
const ASKS = Number(opts.asks);
const WARMUP = Number(opts.warmup);
const QUESTIONS = Number(opts.questions);

/** mulberry32: small, fast, seeded; the same seed gives the same question set. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(Number(opts.seed));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;

// ---- English building blocks ----
const WHO: [string, Role | undefined][] = [
  ["", undefined],
  ["", "doe"],
  ["", "health"],
  ["I'm a school safety agent.", undefined],
  ["I'm a teacher at PS 123.", undefined],
  ["Assistant principal here.", undefined],
  ["I'm a nurse at Bellevue.", undefined],
  ["ER registration clerk, night shift.", undefined],
  ["Caseworker at a DHS shelter here.", undefined],
  ["I work at the HRA benefits office.", undefined],
  ["Sgt at the 75 pct.", undefined],
  ["I'm a police officer in the Bronx.", undefined],
  ["Correction officer at Rikers.", undefined],
  ["I work at the library on 5th ave.", undefined],
  ["Parks enforcement, working the rec center.", undefined],
  ["I'm an attorney in our agency's legal unit.", undefined],
];
const AGENTS = [
  "ICE agents",
  "Two ICE officers",
  "ice",
  "I.C.E.",
  "HSI agents",
  "CBP officers",
  "Border Patrol",
  "immigration officers",
  "DHS agents",
  "Homeland Security",
  "Some agents in vests",
  "Two men with badges",
  "Federal agents",
  "FBI agents",
  "US Marshals",
  "la migra",
];
const PLACES = [
  "are at the front desk of our school",
  "are in the lobby of the clinic",
  "are at the shelter entrance",
  "showed up at the reception of our HRA office",
  "are at the precinct front desk",
  "are standing on the sidewalk outside the school",
  "are in the hallway by the classrooms",
  "came to the ER waiting room",
  "are at the front door of the library",
  "walked into the rec center",
  "called our office",
  "emailed the main office",
  "are at the gate of the DSNY garage",
  "are at intake at Rikers",
];
const WANTS = [
  "",
  "and want to come in",
  "and want to go upstairs to the residents' floors",
  "asking for a student's home address",
  "asking whether a patient was admitted here",
  "and want our attendance records",
  "and want us to help them arrest a resident",
  "and asked us to hold a kid in the office until they arrive",
  "and sent a detainer for an inmate, asking for his release date",
  "and want us to sign a 287(g) agreement",
  "and asked if our detectives can stay on the joint gang task force",
  "and a parent is asking me for know your rights flyers and a free lawyer",
  "and want to search the back offices",
  "and want to talk to one of our students",
];
const PAPERS = [
  "",
  "They have no warrant.",
  "They did NOT show a warrant.",
  "They showed an I-200.",
  "They have a Form I-205 signed by an immigration officer.",
  "They have a warrant signed by a judge.",
  "They have a judicial warrant for his arrest.",
  "They have a subpoena.",
  "They have a paper, not sure if it's signed by a judge.",
  "They said they don't need a warrant.",
  "They have a warrnt, not signed by a judge.",
  "No paperwork at all.",
];
const PRESSURE = [
  "",
  "",
  "They keep insisting.",
  "They're demanding access and getting loud.",
  "They're threatening to arrest me if I don't move.",
  "One of them pushed past the guard.",
  "A resident collapsed in the lobby and isn't breathing.",
  "I feel unsafe.",
];
const ASK = [
  "What do I do?",
  "what should i do",
  "Can I let them in?",
  "Do I have to give it to them?",
  "Should we block the door?",
  "what's the rule?",
  "What was the rule in June 2016?",
  "What was the rule in summer 2025?",
  "",
];
const NOISE = ["", "", "", "ok so ", "sorry for typos ", "pls help asap ", "urgent!! ", "hi, "];
const NOISE_AFTER = ["", "", "", " thx", " !!!", " asap", " lol sorry", " (sent from my phone)"];

// ---- Spanish building blocks ----
const ES_WHO = [
  "",
  "Soy maestra.",
  "Soy enfermera en la clínica.",
  "Trabajo en un albergue.",
  "Soy agente de seguridad escolar.",
];
const ES_AGENTS = ["La migra", "Agentes de ICE", "Agentes de inmigración", "Oficiales de inmigración"];
const ES_PLACES = [
  "está en la puerta de la escuela",
  "están en la recepción del albergue",
  "están en la sala de espera de la clínica",
  "llegaron a la oficina de beneficios",
];
const ES_WANTS = [
  "y quieren entrar.",
  "y piden la dirección de un estudiante.",
  "y quieren que les ayudemos a arrestar a alguien.",
  ".",
];
const ES_PAPERS = [
  "",
  "No tienen orden judicial.",
  "Tienen una orden firmada por un juez.",
  "Traen un formulario de ICE.",
  "Tienen un citatorio.",
];
const ES_PRESSURE = ["", "Insisten mucho.", "Me amenazan con arrestarme.", "Están empujando la puerta."];
const ES_ASK = ["¿Qué hago?", "¿Los dejo pasar?", "¿Qué debo hacer?", ""];

// ---- Backstory: the long messages people send when they are worried ----
const BACKSTORY = [
  "This has never happened to me before and I'm honestly shaking a bit.",
  "We had a fire drill this morning so everything is already chaotic.",
  "My supervisor is out today and the deputy isn't answering her phone.",
  "A few parents are waiting in the lobby for pickup and they are watching all of this.",
  "Last month there was a rumor about raids in the neighborhood and people have been nervous since.",
  "The security guard at the door is new and doesn't know the protocol either.",
  "I tried calling the legal line but it went to voicemail twice.",
  "One of the agents was polite but the other one kept looking at his phone and sighing.",
  "Our building is shared with a private nonprofit on the second floor, if that matters.",
  "I read something online about warrants but I don't remember the details.",
  "The kids are in class right now and I don't want to scare anyone.",
  "I'm typing this from the back office so they can't see my screen.",
  "We've had a lot of turnover this year so nobody senior is on site.",
  "They said they would wait but they also said they could come back with more people.",
  "Sorry this is long, I just want to get it right and not get anyone in trouble.",
];

const TYPO_WORDS =
  /\b(warrant|judge|signed|immigration|shelter|school|officers|agents|address|subpoena|insisting|threatening)\b/g;

/** One typo in a chosen word: a letter dropped, doubled or two swapped. */
function typo(word: string): string {
  const i = 1 + Math.floor(random() * (word.length - 2));
  switch (Math.floor(random() * 3)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + word[i] + word.slice(i);
    default:
      return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1);
  }
}

function withTypos(text: string): string {
  return text.replace(TYPO_WORDS, (w) => (chance(0.35) ? typo(w) : w));
}

function backstory(target: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < target) {
    const s = pick(BACKSTORY);
    parts.push(s);
    length += s.length + 1;
  }
  return parts.join(" ");
}

interface Generated {
  question: string;
  role?: Role;
}

function english(): Generated {
  const [who, role] = pick(WHO);
  const parts = [
    who,
    `${pick(AGENTS)} ${pick(PLACES)} ${pick(WANTS)}`.trim() + ".",
    pick(PAPERS),
    pick(PRESSURE),
    pick(ASK),
  ];
  let q = parts.filter(Boolean).join(" ").replace(/ \./g, ".").replace(/\.\./g, ".");
  if (chance(0.3)) q = withTypos(q);
  if (chance(0.2)) q = q.toLowerCase();
  return { question: `${pick(NOISE)}${q}${pick(NOISE_AFTER)}`, ...(role ? { role } : {}) };
}

function spanish(): Generated {
  const parts = [
    pick(ES_WHO),
    `${pick(ES_AGENTS)} ${pick(ES_PLACES)} ${pick(ES_WANTS)}`,
    pick(ES_PAPERS),
    pick(ES_PRESSURE),
    pick(ES_ASK),
  ];
  return { question: parts.filter(Boolean).join(" ").replace(/ \./g, ".") };
}

// Questions off the topic, which the core must still read (and send to row 1) quickly.
const OFF_TOPIC = [
  "How do I reset my city email password?",
  "what's the holiday schedule for DOE schools this year",
  "the ice on the front steps is bad, who salts it before dismissal?",
  "can I wear sneakers on a field day at the rec center",
  "where do I submit overtime for last week's double shift",
  "is the copier on the 3rd floor fixed yet",
  "how many vacation days roll over at the end of the year",
  "who do I call about a broken heater in the shelter lobby",
];

function offTopic(): Generated {
  return { question: `${pick(NOISE)}${pick(OFF_TOPIC)}${pick(NOISE_AFTER)}` };
}

function generate(count: number): Generated[] {
  const seen = new Set<string>();
  const out: Generated[] = [];
  let attempts = 0;
  while (out.length < count && attempts++ < count * 50) {
    let g = chance(0.05) ? offTopic() : chance(0.15) ? spanish() : english();
    // About a quarter carry a backstory, from a few sentences up to ~1,500 characters in all
    // (the last sentence may overshoot the target by one sentence).
    if (chance(0.25)) {
      const story = backstory(Math.min(150 + Math.floor(random() * 1300), 1400 - g.question.length));
      g = { ...g, question: chance(0.5) ? `${story} ${g.question}` : `${g.question} ${story}` };
    }
    const key = `${g.role ?? ""}|${g.question}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(g);
  }
  return out;
}

// ---- measurement ----
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Row {
  label: string;
  asks: number;
  qps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function summarize(label: string, micros: number[], wallSeconds: number): Row {
  const sorted = Float64Array.from(micros).sort();
  const busy = micros.reduce((a, b) => a + b, 0) / 1e6;
  return {
    label,
    asks: micros.length,
    // Overall: asks over wall time. For a subset: asks over the time spent on that subset.
    qps: micros.length / (wallSeconds > 0 ? wallSeconds : busy),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

const fmt = (n: number, digits = 1) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(rows: Row[]): string {
  const head = ["", "asks", "q/s", "p50 µs", "p90 µs", "p99 µs", "max µs"];
  const body = rows.map((r) => [
    r.label,
    fmt(r.asks, 0),
    fmt(r.qps, 0),
    fmt(r.p50),
    fmt(r.p90),
    fmt(r.p99),
    fmt(r.max),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), ...body.map(line)].join("\n");
}

/**
 * Asks are timed in chunks by a small function called again and again, the way a server's
 * handler calls the core, and not in one long loop inside main(): V8 compiles a loop that runs
 * long on the stack ("on-stack replacement") with whatever it knew then, and a measurement
 * loop compiled that way ran half of all runs at about 60% of the speed, from run to run.
 */
const CHUNK = 500;

function timeAsks(
  ask: (g: Generated) => { steps: string[] },
  questions: Generated[],
  order: number[],
  from: number,
  to: number,
  micros: number[],
): number {
  let sink = 0;
  for (let k = from; k < to; k++) {
    const g = questions[order[k]!]!;
    const start = process.hrtime.bigint();
    const answer = ask(g);
    micros[k] = Number(process.hrtime.bigint() - start) / 1000;
    sink += answer.steps.length;
  }
  return sink;
}

function main() {
  const t0 = performance.now();
  const engine = createEngine(loadPack());
  const startupMs = performance.now() - t0;

  const questions = generate(QUESTIONS);
  const isLong = questions.map((q) => q.question.length > LONG_FROM);
  const longCount = isLong.filter(Boolean).length;
  const maxChars = Math.max(...questions.map((q) => q.question.length));
  const ask = (g: Generated) => engine.ask(g.question, { today: TODAY, ...(g.role ? { role: g.role } : {}) });

  // Warm-up: every question once (so the set is known good), then more until WARMUP asks.
  const decisions = new Map<Decision, number>();
  for (const g of questions) {
    const d = ask(g).decision;
    decisions.set(d, (decisions.get(d) ?? 0) + 1);
  }
  const warmOrder = Array.from({ length: Math.max(0, WARMUP - questions.length) }, (_, i) => i % questions.length);
  const warmTimes: number[] = new Array(warmOrder.length);
  for (let from = 0; from < warmOrder.length; from += CHUNK) {
    timeAsks(ask, questions, warmOrder, from, Math.min(from + CHUNK, warmOrder.length), warmTimes);
  }

  // Measured run: a seeded shuffle of the set, repeated until ASKS asks.
  const order = Array.from({ length: ASKS }, (_, i) => i % questions.length);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const all: number[] = new Array(ASKS);
  let sink = 0;
  const wallStart = process.hrtime.bigint();
  for (let from = 0; from < ASKS; from += CHUNK)
    sink += timeAsks(ask, questions, order, from, Math.min(from + CHUNK, ASKS), all);
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  const short: number[] = [];
  const long: number[] = [];
  order.forEach((qi, k) => (isLong[qi] ? long : short).push(all[k]!));

  const decided = [...decisions.entries()].sort((a, b) => b[1] - a[1]);
  const out = [
    `ice-protocol core benchmark: engine.ask, single thread, Node ${process.version}, today pinned to ${TODAY}`,
    `pack load + compile: ${fmt(startupMs)} ms`,
    `questions: ${fmt(questions.length, 0)} distinct (${fmt(questions.length - longCount, 0)} short <= ${LONG_FROM} chars, ` +
      `${fmt(longCount, 0)} long, longest ${fmt(maxChars, 0)} chars, ${decisions.size} of 14 decisions reached)`,
    `warm-up: ${fmt(Math.max(WARMUP, questions.length), 0)} asks; measured: ${fmt(ASKS, 0)} asks in ${fmt(wallSeconds, 2)} s`,
    "",
    table([summarize("all", all, wallSeconds), summarize("short", short, 0), summarize("long", long, 0)]),
    "",
    `decisions over the set: ${decided.map(([d, n]) => `${d} ${n}`).join(", ")}`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  if (sink < 0) process.stdout.write("unreachable\n"); // keeps the answers alive for the optimiser
}

main();
