/**
 * Merging accepted phrasing into what a channel renders. Pure: the rules' Answer is never
 * changed; the decision, headline, steps and citations a renderer shows are the rules'
 * whatever the model said. Phrasing only adds, next to each verbatim quote, a plain
 * sentence labelled as a plain-language summary; the quote stays in English, labelled as
 * the source text.
 */
import type { CitationOut } from "../core/decide.js";
import type { PhrasableAnswer } from "./input.js";
import { normaliseLanguage } from "./input.js";
import type { PhraseResult } from "./service.js";

export interface CitationView {
  id: string;
  source: string;
  title: string;
  date: string;
  /** The excerpt exactly as the source has it, always in English. */
  sourceText: { label: string; text: string; language: "en" };
  /** The model's checked plain sentence, when phrasing was accepted. */
  summary?: { label: string; text: string; language: string };
}

export interface PhrasedView<A extends PhrasableAnswer = PhrasableAnswer> {
  /** The rules' answer, the same object that came in, unchanged. */
  answer: A;
  /** One per answer citation, same order (stepCitations indexes still apply). */
  citations: CitationView[];
  /** "template": the rules' wording only; "phrased": summaries added. */
  phrasing: { status: "template"; reason?: string } | { status: "phrased"; language: string; promptVersion: string };
}

interface Labels {
  summary: string;
  sourceText: string;
}

/** Label wording by the reader's language; English for languages without a translation. */
export const LABELS: Record<string, Labels> = {
  en: { summary: "Plain-language summary", sourceText: "Source text (verbatim, in English)" },
  es: { summary: "Resumen en lenguaje sencillo", sourceText: "Texto de la fuente (literal, en inglés)" },
};

function labelsFor(language: string): Labels {
  return LABELS[normaliseLanguage(language)] ?? LABELS.en!;
}

function sourceText(c: CitationOut, labels: Labels): CitationView["sourceText"] {
  return { label: labels.sourceText, text: c.quote, language: "en" };
}

/**
 * The view a channel renders. Without a result (the first message) or with a fallback, it is
 * the template: every citation with its quote only. With an accepted phrasing, each citation
 * also carries its summary.
 */
export function applyPhrasing<A extends PhrasableAnswer>(answer: A, result?: PhraseResult): PhrasedView<A> {
  const base = (c: CitationOut, labels: Labels): CitationView => ({
    id: c.id,
    source: c.source,
    title: c.title,
    date: c.date,
    sourceText: sourceText(c, labels),
  });
  if (!result || result.status !== "ok") {
    const labels = labelsFor(answer.language);
    return {
      answer,
      citations: answer.citations.map((c) => base(c, labels)),
      phrasing: { status: "template", ...(result ? { reason: result.reason } : {}) },
    };
  }
  const labels = labelsFor(result.language);
  return {
    answer,
    citations: answer.citations.map((c) => {
      const text = result.sentences[c.id];
      return text
        ? { ...base(c, labels), summary: { label: labels.summary, text, language: result.language } }
        : base(c, labels);
    }),
    phrasing: { status: "phrased", language: result.language, promptVersion: result.promptVersion },
  };
}
