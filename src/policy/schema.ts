/**
 * The shape of the policy pack, as zod schemas. The pack is data a lawyer reviews in a
 * pull request (YAML under src/policy/pack/); these schemas are what "well-formed" means.
 * Cross-references (a step citing a citation id that does not exist, a citation naming an
 * unknown source) are checked by the loader after the shapes pass.
 */
import { z } from "zod";
import {
  DECISIONS,
  ESCALATION_MODES,
  FACT_VALUES,
  QUEUES,
  ROLES,
  SIGNAL_NAMES,
  type FactName,
  type Facts,
  type Signals,
} from "./vocabulary.js";

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "not a real calendar date");

/** `[a, b]` (one of these values) or `{not: [a, b]}` (none of these). */
function valueTest<T extends readonly [string, ...string[]]>(values: T) {
  const one = z.enum(values);
  return z.union([z.array(one).min(1), z.strictObject({ not: z.array(one).min(1) })]);
}

const factTests = Object.fromEntries(
  (Object.keys(FACT_VALUES) as FactName[]).map((name) => [
    name,
    valueTest(FACT_VALUES[name] as unknown as [string, ...string[]]).optional(),
  ]),
);
const signalTests = Object.fromEntries(SIGNAL_NAMES.map((s) => [s, z.boolean().optional()]));

/**
 * A condition: every named fact must hold. `inScope` is the extractor's reading of whether
 * the question is about this protocol at all; `asOfBefore` compares the answer's as-of date.
 */
export type FactTest<V extends string> = V[] | { not: V[] };
export type Condition = { [K in keyof Facts]?: FactTest<Facts[K]> } & { [K in keyof Signals]?: boolean } & {
  inScope?: boolean;
  asOfBefore?: string;
  asOfFrom?: string;
};

export const conditionSchema = z.strictObject({
  ...factTests,
  ...signalTests,
  inScope: z.boolean().optional(),
  asOfBefore: isoDate.optional(),
  asOfFrom: isoDate.optional(),
}) as unknown as z.ZodType<Condition>;

const citeList = z.array(z.string().min(1));

export const stepSchema = z
  .strictObject({
    say: z.string().min(1),
    when: conditionSchema.optional(),
    cite: citeList.default([]),
    /** A statement about the service itself (not policy), which has nothing to cite. */
    service: z.boolean().default(false),
  })
  .refine((s) => s.service || s.cite.length > 0, {
    message: "a policy step must cite at least one excerpt (or be marked service: true)",
    path: ["cite"],
  });

export const groundSchema = z.strictObject({
  when: conditionSchema.optional(),
  cite: citeList.min(1),
});

export const ruleSchema = z.strictObject({
  row: z.number().int().min(1),
  decision: z.enum(DECISIONS),
  /** One plain line: the decision, as the employee should read it first. */
  headline: z.string().min(1),
  when: conditionSchema.default({}),
  /**
   * The legal grounds on which the rule may hold. The rule applies only if one ground's
   * condition holds and at least one of its excerpts is from a source in force on the
   * as-of date. Rules without grounds (out of scope, no policy, uncovered) always apply.
   */
  grounds: z.array(groundSchema).default([]),
  escalate: z.enum(ESCALATION_MODES),
  clarify: z.array(z.enum(Object.keys(FACT_VALUES) as [FactName, ...FactName[]])).default([]),
  steps: z.array(stepSchema).min(1),
});

export const sourceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  publisher: z.string().min(1),
  /** The date as the citation shows it (the mayoral order gives only a year). */
  date: z.string().min(4),
  inForceFrom: isoDate,
  until: isoDate.optional(),
  approximateStart: z.boolean().default(false),
  note: z.string().optional(),
});

export const citationSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  source: z.string(),
  says: z.string().min(1),
  quote: z.string().min(12),
});

export const overlaySchema = z.strictObject({
  id: z.string().min(1),
  about: z.string().min(1),
  when: conditionSchema.default({}),
  /** Decisions the overlay leaves alone (e.g. the safety row already says it). */
  exceptDecisions: z.array(z.enum(DECISIONS)).default([]),
  onlyDecisions: z.array(z.enum(DECISIONS)).default([]),
  urgent: z.boolean().default(false),
  steps: z.array(stepSchema).min(1),
});

export const clarifySchema = z.strictObject({
  fact: z.enum(Object.keys(FACT_VALUES) as [FactName, ...FactName[]]),
  /** The fact values that make the question worth asking. */
  askWhen: z.array(z.string()).min(1),
  question: z.string().min(1),
  options: z.array(z.strictObject({ label: z.string().min(1).max(75), value: z.string().min(1) })).min(2),
});

export const contactSchema = z.strictObject({
  say: z.string().min(1),
  when: conditionSchema.optional(),
});

export const escalationTargetSchema = z.strictObject({
  roles: z.array(z.enum(ROLES)).min(1),
  queue: z.enum(QUEUES),
  contacts: z.array(contactSchema).min(1),
});

export type Step = z.infer<typeof stepSchema>;
export type Rule = z.infer<typeof ruleSchema>;
export type Source = z.infer<typeof sourceSchema>;
export type Citation = z.infer<typeof citationSchema>;
export type Overlay = z.infer<typeof overlaySchema>;
export type ClarifyQuestion = z.infer<typeof clarifySchema>;
export type EscalationTarget = z.infer<typeof escalationTargetSchema>;
