/**
 * Decisions: the SPEC's table, first matching row wins, evaluated as of a date. A row
 * applies only when one of its legal grounds holds and cites a source in force on that
 * date; its steps and citations are filtered the same way. The result is the one
 * channel-neutral Answer every surface renders (and `ask --json` prints).
 */
import type { Condition, EscalationTarget, Overlay, Rule, Step } from "../policy/schema.js";
import type { PolicyPack } from "../policy/load.js";
import type { Decision, FactName, Facts, Queue, Role } from "../policy/vocabulary.js";
import { FACT_NAMES, SIGNAL_NAMES } from "../policy/vocabulary.js";
import type { Reading } from "./extract.js";

export interface CitationOut {
  id: string;
  source: string;
  title: string;
  /** The source's date as published ("2026" for the mayoral order, which gives only a year). */
  date: string;
  quote: string;
}

export interface ClarifyOut {
  fact: FactName;
  question: string;
  options: string[];
  /** The fact value each option stands for, in the same order. */
  values: string[];
}

export interface Answer {
  decision: Decision;
  /** The SPEC row that decided. */
  row: number;
  /** One plain line: the decision as the employee should read it first. */
  headline: string;
  asOf: string;
  facts: Facts;
  signals: Reading["signals"];
  steps: string[];
  /** For each step, the indexes of the citations it rests on. */
  stepCitations: number[][];
  escalate: { required: boolean; queue: Queue; urgent: boolean; offered: boolean };
  /** Who to call, for the asker's role. */
  contacts: string[];
  clarify: ClarifyOut[];
  citations: CitationOut[];
  /** Ids of the sources in force on the as-of date. */
  inForce: string[];
  notes: string[];
  language: Reading["language"];
}

export interface DecideOptions {
  asOf: string;
  /** How the as-of date was chosen, so the answer can say so. */
  asOfFrom: "today" | "asked" | "question";
}

/** What a condition is tested against: the facts, the signals and the date. */
interface Situation {
  facts: Facts;
  signals: Reading["signals"];
  inScope: boolean;
  asOf: string;
}

type Check = (s: Situation) => boolean;

/** A condition as a list of small checks, built once when the pack is compiled. */
function checksOf(cond: Condition | undefined): Check[] {
  const checks: Check[] = [];
  if (!cond) return checks;
  const raw = cond as Record<string, unknown>;
  for (const name of FACT_NAMES) {
    const test = raw[name] as string[] | { not: string[] } | undefined;
    if (!test) continue;
    const values = new Set<string>(Array.isArray(test) ? test : test.not);
    const wanted = Array.isArray(test);
    checks.push((s) => values.has(s.facts[name]) === wanted);
  }
  for (const name of SIGNAL_NAMES) {
    const test = raw[name];
    if (typeof test === "boolean") checks.push((s) => s.signals[name] === test);
  }
  const { inScope, asOfBefore, asOfFrom } = cond;
  if (inScope !== undefined) checks.push((s) => s.inScope === inScope);
  if (asOfBefore) checks.push((s) => s.asOf < asOfBefore);
  if (asOfFrom) checks.push((s) => s.asOf >= asOfFrom);
  return checks;
}

function holds(checks: Check[], s: Situation): boolean {
  for (const check of checks) if (!check(s)) return false;
  return true;
}

/** A citation with the dates of its source, to tell whether it is in force. */
type CitationRecord = CitationOut & { inForceFrom: string; until?: string; approximateStart: boolean };

/** A step with its condition compiled and its citations looked up. */
interface CompiledStep {
  step: Step;
  when: Check[];
  cites: CitationRecord[];
  /** Whether the text names the as-of date ("{asOf}"), which is filled in per answer. */
  dated: boolean;
}

interface CompiledRule {
  rule: Rule;
  when: Check[];
  grounds: { when: Check[]; cites: CitationRecord[] }[];
  steps: CompiledStep[];
  /** The overlays that may add to this rule's answer (their decision lists allow it), in pack order. */
  overlays: CompiledOverlay[];
}

interface CompiledOverlay {
  overlay: Overlay;
  when: Check[];
  steps: CompiledStep[];
}

/** The pack, indexed for answering: built once, read by every question. */
export interface CompiledPack {
  pack: PolicyPack;
  citationById: Map<string, CitationRecord>;
  rules: CompiledRule[];
  /** Each escalation target's contacts with their conditions compiled. */
  contacts: Map<EscalationTarget, { when: Check[]; say: string }[]>;
  /** The sources in force on the last date answered for (see sourcesInForce). */
  lastInForce?: { asOf: string; ids: readonly string[] };
}

export function compilePack(pack: PolicyPack): CompiledPack {
  const sourceById = new Map(pack.sources.map((s) => [s.id, s]));
  const citationById = new Map<string, CitationRecord>(
    pack.citations.map((c) => {
      const source = sourceById.get(c.source)!;
      return [
        c.id,
        {
          id: c.id,
          source: c.source,
          title: source.title,
          date: source.date,
          quote: c.quote,
          inForceFrom: source.inForceFrom,
          ...(source.until ? { until: source.until } : {}),
          approximateStart: source.approximateStart,
        },
      ];
    }),
  );
  const cited = (ids: string[]) => ids.map((id) => citationById.get(id)!);
  const compileStep = (step: Step): CompiledStep => ({
    step,
    when: checksOf(step.when),
    cites: cited(step.cite),
    dated: step.say.includes("{asOf}"),
  });
  const overlays: CompiledOverlay[] = pack.overlays.map((overlay) => ({
    overlay,
    when: checksOf(overlay.when),
    steps: overlay.steps.map(compileStep),
  }));
  // Which overlays may apply depends on the decision alone: sort them out once, per rule.
  const overlaysFor = (decision: Decision) =>
    overlays.filter(
      ({ overlay }) =>
        !overlay.exceptDecisions.includes(decision) &&
        (overlay.onlyDecisions.length === 0 || overlay.onlyDecisions.includes(decision)),
    );
  return {
    pack,
    citationById,
    rules: pack.rules.map((rule) => ({
      rule,
      when: checksOf(rule.when),
      grounds: rule.grounds.map((g) => ({ when: checksOf(g.when), cites: cited(g.cite) })),
      steps: rule.steps.map(compileStep),
      overlays: overlaysFor(rule.decision),
    })),
    contacts: new Map(pack.escalation.map((t) => [t, t.contacts.map((c) => ({ when: checksOf(c.when), say: c.say }))])),
  };
}

function inForce(c: { inForceFrom: string; until?: string }, asOf: string): boolean {
  return c.inForceFrom <= asOf && (!c.until || asOf < c.until);
}

/** Does the rule hold on this date? Rules without grounds hold whenever their condition does. */
function ruleApplies(rule: CompiledRule, s: Situation): boolean {
  if (!holds(rule.when, s)) return false;
  if (rule.grounds.length === 0) return true;
  return rule.grounds.some((g) => holds(g.when, s) && g.cites.some((c) => inForce(c, s.asOf)));
}

/** The ids of the sources in force on a date; remembered for the last date asked (mostly today). */
function sourcesInForce(compiled: CompiledPack, asOf: string): readonly string[] {
  const last = compiled.lastInForce;
  if (last?.asOf === asOf) return last.ids;
  const ids = compiled.pack.sources.filter((src) => inForce(src, asOf)).map((src) => src.id);
  compiled.lastInForce = { asOf, ids };
  return ids;
}

function fill(template: string, s: Situation): string {
  return template.replaceAll("{asOf}", s.asOf);
}

export function decide(reading: Reading, options: DecideOptions, compiled: CompiledPack): Answer {
  const s: Situation = { facts: reading.facts, signals: reading.signals, inScope: reading.inScope, asOf: options.asOf };
  const decided = compiled.rules.find((r) => ruleApplies(r, s)) ?? compiled.rules[compiled.rules.length - 1]!;
  const rule = decided.rule;
  const pack = compiled.pack;

  const citations: CitationOut[] = [];
  const indexOf = new Map<string, number>();
  const steps: string[] = [];
  const stepCitations: number[][] = [];
  const addStep = ({ step, when, cites, dated }: CompiledStep) => {
    if (!holds(when, s)) return;
    const inForceNow = cites.filter((c) => inForce(c, s.asOf));
    if (!step.service && inForceNow.length === 0) return; // nothing in force to rest this point on
    const text = dated ? fill(step.say, s) : step.say;
    if (steps.includes(text)) return;
    const refs = inForceNow.map(({ id, source, title, date, quote }) => {
      let i = indexOf.get(id);
      if (i === undefined) {
        i = citations.push({ id, source, title, date, quote }) - 1;
        indexOf.set(id, i);
      }
      return i;
    });
    steps.push(text);
    stepCitations.push(refs);
  };

  decided.steps.forEach(addStep);
  let urgentFromOverlay = false;
  for (const { overlay, when, steps: overlaySteps } of decided.overlays) {
    if (!holds(when, s)) continue;
    const before = steps.length;
    overlaySteps.forEach(addStep);
    if (overlay.urgent && steps.length > before) urgentFromOverlay = true;
  }

  const target = pack.escalation.find((t) => t.roles.includes(reading.facts.role as Role))!;
  const mode = rule.escalate;
  const required = mode === "required" || mode === "urgent" || mode === "notify" || urgentFromOverlay;
  const escalate = {
    required,
    queue: target.queue,
    urgent: mode === "urgent" || mode === "notify" || urgentFromOverlay,
    offered: mode !== "none" || required,
  };
  const contacts = compiled.contacts
    .get(target)!
    .filter((c) => holds(c.when, s))
    .map((c) => c.say);

  const clarify: ClarifyOut[] = [];
  for (const fact of rule.clarify) {
    // At a school every non-local agency is covered alike, so who they are changes nothing.
    if (fact === "requester" && reading.facts.place === "school") continue;
    for (const q of pack.clarify) {
      if (q.fact === fact && q.askWhen.includes(reading.facts[fact])) {
        clarify.push({
          fact,
          question: q.question,
          options: q.options.map((o) => o.label),
          values: q.options.map((o) => o.value),
        });
      }
    }
  }

  const inForceIds = sourcesInForce(compiled, s.asOf).slice();
  const notes: string[] = [];
  if (options.asOfFrom === "question" && reading.dateInText) {
    notes.push(
      reading.dateInText.approximate
        ? `I read "${reading.dateInText.text}" in your question as ${s.asOf} and answered for that date; ask again with an exact date if the day matters.`
        : `I answered as of ${s.asOf}, the date in your question.`,
    );
  }
  if (options.asOfFrom !== "today" && rule.decision !== "OUT_OF_SCOPE") {
    const titles = pack.sources.filter((src) => inForceIds.includes(src.id)).map((src) => `${src.title} (${src.date})`);
    notes.push(
      titles.length > 0
        ? `Sources in force on ${s.asOf}: ${titles.join("; ")}.`
        : `None of the policy sources was in force on ${s.asOf}.`,
    );
  }
  for (const src of pack.sources) {
    if (
      src.approximateStart &&
      citations.some((c) => c.source === src.id) &&
      s.asOf.slice(0, 4) === src.inForceFrom.slice(0, 4) &&
      options.asOfFrom !== "today"
    ) {
      notes.push(
        `${src.title} gives only the year ${src.date}; I treat it as in force from ${src.inForceFrom}, which is approximate.`,
      );
    }
  }

  return {
    decision: rule.decision,
    row: rule.row,
    headline: fill(rule.headline, s),
    asOf: s.asOf,
    facts: { ...reading.facts },
    signals: { ...reading.signals },
    steps,
    stepCitations,
    escalate,
    contacts,
    clarify,
    citations,
    inForce: inForceIds,
    notes,
    language: reading.language,
  };
}
