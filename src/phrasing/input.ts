/**
 * What the model is shown, built from the rules' Answer: the decision, the headline, the
 * steps (each with the ids of the citations it rests on) and the citations (id, source,
 * date, quote). Nothing else of the Answer leaves the process: not the facts, the contacts,
 * the escalation queue, nor (unless configured) the question.
 *
 * The checker judges the model's sentences against exactly this object, so "present in
 * the inputs" means present here.
 */
import type { Answer } from "../core/decide.js";

export interface PhrasingCitation {
  id: string;
  source: string;
  date: string;
  quote: string;
}

export interface PhrasingStep {
  text: string;
  /** Ids of the citations this step rests on. */
  citations: string[];
}

export interface PhrasingInput {
  /** BCP 47 primary language the sentences must be written in ("en", "es", ...). */
  language: string;
  decision: Answer["decision"];
  headline: string;
  steps: PhrasingStep[];
  citations: PhrasingCitation[];
}

/** The subset of an Answer phrasing reads; an Answer satisfies it. */
export type PhrasableAnswer = Pick<
  Answer,
  "decision" | "headline" | "steps" | "stepCitations" | "citations" | "language"
>;

const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;

/** "es-MX" -> "es"; anything that is not a language tag -> "en". */
export function normaliseLanguage(language: string | undefined): string {
  if (!language || !LANGUAGE_TAG.test(language.trim())) return "en";
  return language.trim().split("-")[0]!.toLowerCase();
}

export function buildPhrasingInput(answer: PhrasableAnswer, language: string): PhrasingInput {
  return {
    language: normaliseLanguage(language),
    decision: answer.decision,
    headline: answer.headline,
    steps: answer.steps.map((text, i) => ({
      text,
      citations: (answer.stepCitations[i] ?? []).flatMap((k) => {
        const c = answer.citations[k];
        return c ? [c.id] : [];
      }),
    })),
    citations: answer.citations.map(({ id, source, date, quote }) => ({ id, source, date, quote })),
  };
}
