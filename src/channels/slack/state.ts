/**
 * What a button or menu option carries so a click can answer again: the facts and signals
 * read from the question, whether it was in scope, its language and a pinned as-of date.
 * Never the question's text, which may name people: Slack keeps no copy of an ephemeral
 * message, so everything a re-answer needs travels in the value, and nothing more.
 *
 * The encoding is compact (15 to 23 characters), so it fits anywhere Slack returns a value
 * with a click: a block_id (255), a select option's value (150), a button's (2000). It is
 * "s1" + a vocabulary check + one character per fact + the signals as a bit field + scope
 * and language + the as-of date, or nothing for "today".
 */
import type { QuestionState } from "../../core/engine.js";
import type { Answer } from "../../core/decide.js";
import { FACT_NAMES, FACT_VALUES, SIGNAL_NAMES, type Facts, type Signals } from "../../policy/vocabulary.js";

export interface SlackState extends QuestionState {
  /** The as-of date when the first answer was not for today; undefined follows the clock. */
  date?: string;
}

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * Two characters that change when the vocabulary changes: a button sent before a deploy that
 * reordered the fact values must not be read with the new order.
 */
const VOCABULARY_CHECK = (() => {
  const text = JSON.stringify([FACT_VALUES, SIGNAL_NAMES]);
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) % 1296;
  return DIGITS[Math.floor(h / 36)]! + DIGITS[h % 36]!;
})();

const PREFIX = `s1${VOCABULARY_CHECK}`;

/**
 * The state of an answer. Row 1 (OUT_OF_SCOPE) is the only row for a question out of scope,
 * so every other decision was reached in scope; an answer for another day than today pins it.
 */
export function stateOf(answer: Answer, today: string): SlackState {
  return {
    facts: { ...answer.facts },
    signals: { ...answer.signals },
    inScope: answer.decision !== "OUT_OF_SCOPE",
    language: answer.language,
    ...(answer.asOf !== today ? { date: answer.asOf } : {}),
  };
}

export function encodeState(state: SlackState): string {
  let facts = "";
  for (const name of FACT_NAMES) {
    const index = (FACT_VALUES[name] as readonly string[]).indexOf(state.facts[name]);
    if (index < 0) throw new Error(`${name} has no value "${state.facts[name]}"`);
    facts += DIGITS[index];
  }
  let bits = 0;
  SIGNAL_NAMES.forEach((name, i) => {
    if (state.signals[name]) bits |= 1 << i;
  });
  const flags = `${state.inScope ? "1" : "0"}${state.language === "es" ? "s" : "e"}`;
  const date = state.date ? state.date.replaceAll("-", "") : "";
  return `${PREFIX}${facts}${bits.toString(36).padStart(2, "0")}${flags}${date}`;
}

/** The state back, or undefined for a value this version did not write (or one tampered with). */
export function decodeState(value: string): SlackState | undefined {
  if (typeof value !== "string" || !value.startsWith(PREFIX)) return undefined;
  const body = value.slice(PREFIX.length);
  const n = FACT_NAMES.length;
  const match = new RegExp(`^([0-9a-z]{${n}})([0-9a-z]{2})([01])([es])(\\d{8})?$`).exec(body);
  if (!match) return undefined;
  const facts: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const name = FACT_NAMES[i]!;
    const value = (FACT_VALUES[name] as readonly string[])[DIGITS.indexOf(match[1]![i]!)];
    if (value === undefined) return undefined;
    facts[name] = value;
  }
  const bits = parseInt(match[2]!, 36);
  if (bits >= 1 << SIGNAL_NAMES.length) return undefined;
  const signals = Object.fromEntries(
    SIGNAL_NAMES.map((name, i) => [name, (bits & (1 << i)) !== 0]),
  ) as unknown as Signals;
  const raw = match[5];
  const date = raw ? `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}` : undefined;
  return {
    facts: facts as unknown as Facts,
    signals,
    inScope: match[3] === "1",
    language: match[4] === "s" ? "es" : "en",
    ...(date ? { date } : {}),
  };
}

/** The same state with one fact set: what each option of a correction menu carries. */
export function withFact<K extends keyof Facts>(state: SlackState, name: K, value: Facts[K]): SlackState {
  return { ...state, facts: { ...state.facts, [name]: value } };
}
