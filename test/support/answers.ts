/**
 * Shared by the core, policy and CLI suites: the real pack and engine, "today" pinned, where
 * the shared policy corpus lives, and what makes an Answer well formed by the SPEC.
 * Nothing here mocks our own modules.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Answer } from "../../src/core/decide.js";
import { createEngine, type AskOptions } from "../../src/core/engine.js";
import { loadPack } from "../../src/policy/load.js";
import {
  DECISIONS,
  FACT_NAMES,
  FACT_VALUES,
  type Decision,
  type Facts,
  type Queue,
  type Role,
} from "../../src/policy/vocabulary.js";

export const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The shared policy corpus, beside the repo (`../shared/sources`). */
export const SOURCES_DIR = resolve(REPO_DIR, "../shared/sources");
export const SHARED_SCENARIOS_DIR = resolve(REPO_DIR, "../shared/scenarios");
export const HAVE_SOURCES = existsSync(SOURCES_DIR);
export const NO_SOURCES_NOTE = `SKIPPED: the policy corpus ${SOURCES_DIR} is not beside the repo, so quotes cannot be checked`;

/** "Today" for every suite: answers must not depend on the day the tests run. */
export const TODAY = "2026-11-24";

export const pack = loadPack();
export const engine = createEngine(pack);

export function ask(question: string, options: Partial<AskOptions> = {}): Answer {
  return engine.ask(question, { today: TODAY, ...options });
}

/** Every fact given: a question whose facts come entirely from `overrides`. */
export function allFacts(facts: Partial<Facts>): Facts {
  return {
    role: "unknown",
    place: "unknown",
    area: "unknown",
    requester: "none",
    request: "general",
    document: "none",
    pressure: "none",
    ...facts,
  };
}

const sourceTexts = new Map<string, string | undefined>();
/** The raw text of `../shared/sources/<id>.txt`, or undefined when the file is absent. */
export function sourceText(id: string): string | undefined {
  if (!sourceTexts.has(id)) {
    const file = join(SOURCES_DIR, `${id}.txt`);
    sourceTexts.set(id, existsSync(file) ? readFileSync(file, "utf8") : undefined);
  }
  return sourceTexts.get(id);
}

/** Citations whose quote is not, character for character, in the source file it names. */
export function quotesNotVerbatim(answer: Answer): string[] {
  return answer.citations
    .filter((c) => !sourceText(c.source)?.includes(c.quote))
    .map((c) => `${c.id} (${c.source}): "${c.quote}"`);
}

/** SPEC "Escalation targets": the legal queue for each role. */
export function queueOf(role: Role): Queue {
  return role === "doe" ? "doe-legal" : role === "nypd" ? "nypd-legal" : "agency-counsel";
}

/** SPEC "Decisions", last column: does the row escalate, and is it urgent? */
export const ESCALATION: Record<Decision, { required: boolean; urgent: boolean }> = {
  OUT_OF_SCOPE: { required: false, urgent: false },
  NO_POLICY_IN_FORCE: { required: false, urgent: false }, // offered, not required
  AGREEMENT_PROHIBITED: { required: false, urgent: false },
  TASK_FORCE_PERMITTED: { required: false, urgent: false },
  SAFETY_DO_NOT_OBSTRUCT: { required: true, urgent: true },
  NYPD_ASSIST_EMERGENCY: { required: true, urgent: true }, // "yes, notify": the Operations Unit at once
  NYPD_ASSIST_DUTY_CHIEF: { required: true, urgent: false },
  DETAINER_LIMITED: { required: true, urgent: false },
  ASSIST_NO_VOLUNTARY_COOPERATION: { required: true, urgent: false },
  INFO_DO_NOT_DISCLOSE: { required: true, urgent: false },
  ENTRY_JUDICIAL_WARRANT_REVIEW: { required: true, urgent: true },
  ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT: { required: true, urgent: false },
  RIGHTS_REFERRAL: { required: false, urgent: false },
  UNCOVERED_ESCALATE: { required: true, urgent: false },
};

/**
 * The escalation an answer must carry: the row's, except that force or threats under any
 * row that rests on policy add the safety steps and make the escalation urgent (SPEC
 * conventions). Those safety steps rest on sources from 2018-01-31 on.
 */
export function expectedEscalation(answer: Pick<Answer, "decision" | "facts" | "asOf">) {
  const base = ESCALATION[answer.decision];
  const underThreat =
    answer.facts.pressure === "force-or-threat" &&
    answer.decision !== "OUT_OF_SCOPE" &&
    answer.decision !== "NO_POLICY_IN_FORCE" &&
    answer.asOf >= "2018-01-31";
  return {
    required: base.required || underThreat,
    queue: queueOf(answer.facts.role),
    urgent: base.urgent || underThreat,
  };
}

/** Steps that are about the service itself (marked `service: true` in the pack): they cite nothing. */
const SERVICE_STEPS = [...pack.rules.flatMap((r) => r.steps), ...pack.overlays.flatMap((o) => o.steps)]
  .filter((s) => s.service)
  .map((s) => s.say);
export function isServiceStep(step: string, asOf: string): boolean {
  return SERVICE_STEPS.some((say) => say.replaceAll("{asOf}", asOf) === step);
}

const inForceFrom = new Map(pack.sources.map((s) => [s.id, s.inForceFrom]));
/** Citations from a source that was not yet in force on the answer's as-of date. */
export function citationsNotInForce(answer: Answer): string[] {
  return answer.citations
    .filter((c) => !(inForceFrom.get(c.source)! <= answer.asOf))
    .map((c) => `${c.id} (${c.source}, in force from ${inForceFrom.get(c.source)})`);
}

/*
 * Steps must never tell anyone to let agents in, open doors, or physically resist. Steps
 * do name those things, always to forbid them ("Do not open doors for them", "Do not
 * physically block, resist or fight the agents"): a match is acceptable only when a
 * negation comes before it in the same sentence.
 */
const UNSAFE_ADVICE: RegExp[] = [
  /\b(?:let|allow|admit|buzz|escort|bring|walk|lead|take|show|wave)\s+(?:them|him|her|the agents?|agents|ice|the officers?|officers|immigration)\s+(?:in|inside|into|through|past|upstairs|back|around|beyond)\b/i,
  /\bopen(?:ing)?\s+(?:the\s+|any\s+)?doors?\b/i,
  /\bunlock\b/i,
  /\b(?:physically\s+)?(?:resist|block|fight|barricade|tackle|restrain|obstruct)\b/i,
  /\bhold\s+the\s+door\b/i,
  /\bstand\s+in\s+(?:their|the)\s+way\b/i,
];
const NEGATION_BEFORE = /\b(?:not|never|no|nor|don['’]t|do\s+not|cannot|can['’]t|won['’]t|without|neither)\b/i;

/** Steps that, read plainly, tell the employee to let agents in, open doors, or resist. */
export function unsafeSteps(answer: Pick<Answer, "steps">): string[] {
  const bad: string[] = [];
  for (const step of answer.steps) {
    for (const sentence of step.split(/(?<=[.!?;])\s+/)) {
      for (const pattern of UNSAFE_ADVICE) {
        const m = pattern.exec(sentence);
        if (m && !NEGATION_BEFORE.test(sentence.slice(0, m.index))) bad.push(`"${m[0]}" in: ${step}`);
      }
    }
  }
  return bad;
}

/**
 * Everything the SPEC requires of any answer, as a list of problems (empty when well
 * formed), so a scenario run can report every bad line at once.
 */
export function answerProblems(answer: Answer, options: { checkQuotes?: boolean } = {}): string[] {
  const problems: string[] = [];
  const say = (p: string) => problems.push(p);
  if (!(DECISIONS as readonly string[]).includes(answer.decision)) say(`unknown decision ${answer.decision}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(answer.asOf)) say(`asOf is not a date: ${answer.asOf}`);
  for (const name of FACT_NAMES) {
    if (!(FACT_VALUES[name] as readonly string[]).includes(answer.facts[name])) {
      say(`fact ${name} has no valid value: ${answer.facts[name]}`);
    }
  }
  if (Object.keys(answer.facts).sort().join() !== [...FACT_NAMES].sort().join()) say("facts are not the SPEC's 7");
  if (answer.headline.trim() === "") say("empty headline");
  if (answer.steps.length === 0) say("no steps");
  if (answer.stepCitations.length !== answer.steps.length) say("stepCitations does not match steps");
  answer.steps.forEach((step, i) => {
    const refs = answer.stepCitations[i] ?? [];
    if (refs.some((r) => answer.citations[r] === undefined)) say(`step ${i + 1} points at a missing citation`);
    if (refs.length === 0 && !isServiceStep(step, answer.asOf)) say(`policy step ${i + 1} cites nothing: ${step}`);
  });
  const cited = new Set(answer.stepCitations.flat());
  answer.citations.forEach((c, i) => {
    if (!cited.has(i)) say(`citation ${c.id} is shown but no step rests on it`);
    if (!c.quote || !c.source || !c.date) say(`citation ${i} lacks source, date or quote`);
  });
  for (const c of citationsNotInForce(answer)) say(`cites a source not in force on ${answer.asOf}: ${c}`);
  if (options.checkQuotes !== false && HAVE_SOURCES) {
    for (const q of quotesNotVerbatim(answer)) say(`quote not verbatim in its source: ${q}`);
  }
  const wanted = expectedEscalation(answer);
  const got = { required: answer.escalate.required, queue: answer.escalate.queue, urgent: answer.escalate.urgent };
  if (JSON.stringify(got) !== JSON.stringify(wanted)) {
    say(`escalate ${JSON.stringify(got)}, SPEC wants ${JSON.stringify(wanted)}`);
  }
  for (const q of answer.clarify) {
    if (!FACT_NAMES.includes(q.fact)) say(`clarify asks about an unknown fact ${q.fact}`);
    if (q.question.trim() === "" || q.options.length < 2) say(`clarify question for ${q.fact} is incomplete`);
  }
  for (const u of unsafeSteps(answer)) say(`unsafe step: ${u}`);
  return problems;
}
