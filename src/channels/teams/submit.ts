/**
 * What a card's Action.Submit sends back. Teams returns the button's `data` merged with the
 * card's input values as the `value` of a message activity; anyone can post any value, so
 * every field is checked here before the bot acts on it.
 *
 * An answer's buttons carry the facts and signals read from the question (never its text,
 * which may name people), so a click can answer again exactly as the first answer did.
 */
import { z } from "zod";
import type { QuestionState } from "../../core/engine.js";
import type { Answer } from "../../core/decide.js";
import { FACT_NAMES, FACT_VALUES, ROLES, SIGNAL_NAMES, type Facts } from "../../policy/vocabulary.js";
import { OUTCOMES } from "../../escalation/types.js";

/** The state an answer card carries: a QuestionState plus the as-of date when it was not today. */
export interface CardState extends QuestionState {
  date?: string;
}

const factsSchema = z.strictObject(
  Object.fromEntries(FACT_NAMES.map((name) => [name, z.enum(FACT_VALUES[name] as unknown as [string, ...string[]])])),
);
const signalsSchema = z.strictObject(Object.fromEntries(SIGNAL_NAMES.map((name) => [name, z.boolean()])));

/** The wire form, short keys: it rides on every button of an answer. */
const stateSchema = z.strictObject({
  f: factsSchema,
  g: signalsSchema,
  in: z.boolean(),
  l: z.enum(["en", "es"]),
  d: z.iso.date().optional(),
});
export type StateWire = z.infer<typeof stateSchema>;

export function stateOf(answer: Answer, today: string): CardState {
  return {
    facts: { ...answer.facts },
    signals: { ...answer.signals },
    inScope: answer.decision !== "OUT_OF_SCOPE",
    language: answer.language,
    ...(answer.asOf !== today ? { date: answer.asOf } : {}),
  };
}

export function toWire(state: CardState): StateWire {
  return {
    f: state.facts as unknown as StateWire["f"],
    g: state.signals as unknown as StateWire["g"],
    in: state.inScope,
    l: state.language,
    ...(state.date ? { d: state.date } : {}),
  };
}

function fromWire(wire: StateWire): CardState {
  return {
    facts: wire.f as unknown as Facts,
    signals: wire.g as unknown as CardState["signals"],
    inScope: wire.in,
    language: wire.l,
    ...(wire.d ? { date: wire.d } : {}),
  };
}

const roleSchema = z.enum(ROLES);
const text = z.string().max(10_000);

const submitSchema = z.discriminatedUnion("ice", [
  z.object({ ice: z.literal("clarify"), s: stateSchema, fact: z.enum(FACT_NAMES), value: z.string().max(100) }),
  z.object({ ice: z.literal("correct"), s: stateSchema }).catchall(z.unknown()),
  z.object({ ice: z.literal("role-in-answer"), s: stateSchema, role: roleSchema.optional() }),
  z.object({ ice: z.literal("role"), role: roleSchema.optional() }),
  z.object({ ice: z.literal("escalate"), s: stateSchema }),
  z.object({ ice: z.literal("example"), i: z.number().int().min(0).max(100) }),
  z.object({
    ice: z.literal("case"),
    op: z.enum(["claim", "message", "resolve", "reopen", "cancel"]),
    caseId: z.string().min(1).max(100),
    text: text.optional(),
    outcome: z.enum(OUTCOMES).optional(),
    note: text.optional(),
  }),
]);

export type Submit =
  | { ice: "clarify"; state: CardState; fact: keyof Facts; value: string }
  | { ice: "correct"; state: CardState; overrides: Partial<Facts> }
  | { ice: "role-in-answer"; state: CardState; role?: (typeof ROLES)[number] }
  | { ice: "role"; role?: (typeof ROLES)[number] }
  | { ice: "escalate"; state: CardState }
  | { ice: "example"; index: number }
  | {
      ice: "case";
      op: "claim" | "message" | "resolve" | "reopen" | "cancel";
      caseId: string;
      text?: string;
      outcome?: (typeof OUTCOMES)[number];
      note?: string;
    };

/** The input ids of the correction form: one Input.ChoiceSet per fact. */
export const inputIdOf = (fact: string) => `fact_${fact}`;

/** A card's submitted value, checked; undefined for anything this version did not write. */
export function parseSubmit(value: unknown): Submit | undefined {
  const parsed = submitSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const v = parsed.data;
  switch (v.ice) {
    case "clarify": {
      if (!(FACT_VALUES[v.fact] as readonly string[]).includes(v.value)) return undefined;
      return { ice: "clarify", state: fromWire(v.s), fact: v.fact, value: v.value };
    }
    case "correct": {
      const overrides: Partial<Record<keyof Facts, string>> = {};
      for (const name of FACT_NAMES) {
        const picked = (v as Record<string, unknown>)[inputIdOf(name)];
        if (typeof picked !== "string" || picked === "") continue;
        if (!(FACT_VALUES[name] as readonly string[]).includes(picked)) return undefined;
        if (picked !== v.s.f[name]) overrides[name] = picked;
      }
      return { ice: "correct", state: fromWire(v.s), overrides: overrides as Partial<Facts> };
    }
    case "role-in-answer":
      return { ice: "role-in-answer", state: fromWire(v.s), ...(v.role ? { role: v.role } : {}) };
    case "role":
      return { ice: "role", ...(v.role ? { role: v.role } : {}) };
    case "escalate":
      return { ice: "escalate", state: fromWire(v.s) };
    case "example":
      return { ice: "example", index: v.i };
    case "case":
      return {
        ice: "case",
        op: v.op,
        caseId: v.caseId,
        ...(v.text !== undefined ? { text: v.text } : {}),
        ...(v.outcome !== undefined ? { outcome: v.outcome } : {}),
        ...(v.note !== undefined ? { note: v.note } : {}),
      };
  }
}
