/**
 * The Answer as plain text for a terminal: decision first, numbered steps with their
 * citation marks, the citations, who to call, and any clarifying questions.
 */
import type { Answer } from "../../core/decide.js";

export function renderText(answer: Answer): string {
  const lines: string[] = [];
  lines.push(answer.headline, "");
  answer.steps.forEach((step, i) => {
    const marks = answer.stepCitations[i]!.map((c) => `[${c + 1}]`).join("");
    lines.push(`${i + 1}. ${step}${marks ? ` ${marks}` : ""}`);
  });
  if (answer.clarify.length > 0) {
    lines.push("");
    for (const q of answer.clarify) lines.push(`? ${q.question} (${q.options.join(" / ")})`);
  }
  if (answer.escalate.offered) {
    lines.push(
      "",
      answer.escalate.urgent
        ? "Call now (urgent):"
        : answer.escalate.required
          ? "Who to call:"
          : "If you need counsel:",
    );
    for (const c of answer.contacts) lines.push(`  - ${c}`);
  }
  if (answer.citations.length > 0) {
    lines.push("", "Sources:");
    answer.citations.forEach((c, i) => lines.push(`  [${i + 1}] ${c.title}, ${c.date}: "${c.quote}"`));
  }
  if (answer.notes.length > 0) {
    lines.push("");
    for (const n of answer.notes) lines.push(`Note: ${n}`);
  }
  lines.push("", `(${answer.decision}, as of ${answer.asOf})`);
  return lines.join("\n");
}

/** The SPEC's `--json` contract, with the extra fields every surface uses. */
export function toJson(answer: Answer): Record<string, unknown> {
  return {
    decision: answer.decision,
    asOf: answer.asOf,
    facts: answer.facts,
    steps: answer.steps,
    escalate: { required: answer.escalate.required, queue: answer.escalate.queue, urgent: answer.escalate.urgent },
    clarify: answer.clarify,
    citations: answer.citations.map((c) => ({
      source: c.source,
      date: c.date,
      quote: c.quote,
      id: c.id,
      title: c.title,
    })),
    headline: answer.headline,
    row: answer.row,
    stepCitations: answer.stepCitations,
    contacts: answer.contacts,
    signals: answer.signals,
    inForce: answer.inForce,
    notes: answer.notes,
    language: answer.language,
  };
}
