/**
 * Labelled scenario files (JSONL): a question, the decision the SPEC requires, and the
 * facts it settles. Lawyers add lines; `ice-protocol eval FILE` scores the bot on them.
 */
import { z } from "zod";
import type { Engine } from "../../core/engine.js";
import { DECISIONS, FACT_NAMES, FACT_VALUES, ROLES, type Decision, type FactName } from "../../policy/vocabulary.js";
import { isIsoDate } from "../../core/dates.js";

const factsSchema = z.strictObject(
  Object.fromEntries(FACT_NAMES.map((f) => [f, z.enum(FACT_VALUES[f] as unknown as [string, ...string[]]).optional()])),
);

export const scenarioSchema = z.object({
  question: z.string().min(1),
  decision: z.enum(DECISIONS),
  role: z.enum(ROLES).optional(),
  date: z.string().refine(isIsoDate, "expected a date as YYYY-MM-DD").optional(),
  facts: factsSchema.optional(),
});
export type Scenario = z.infer<typeof scenarioSchema>;

export function parseScenarios(text: string, file = "scenarios"): Scenario[] {
  const out: Scenario[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not valid JSON`);
    }
    const parsed = scenarioSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${file}:${i + 1}: ${issue.path.join(".") || "line"}: ${issue.message}`);
    }
    out.push(parsed.data);
  });
  return out;
}

export interface Miss {
  line: number;
  question: string;
  expected: Decision;
  got: Decision;
  factMisses: { fact: FactName; expected: string; got: string }[];
}

export interface EvalReport {
  total: number;
  correct: number;
  facts: Record<FactName, { total: number; correct: number }>;
  confusion: Map<Decision, Map<Decision, number>>;
  misses: Miss[];
}

export function evaluate(engine: Engine, scenarios: Scenario[], today: string): EvalReport {
  const facts = Object.fromEntries(FACT_NAMES.map((f) => [f, { total: 0, correct: 0 }])) as EvalReport["facts"];
  const confusion = new Map<Decision, Map<Decision, number>>();
  const misses: Miss[] = [];
  let correct = 0;
  scenarios.forEach((s, i) => {
    const answer = engine.ask(s.question, {
      today,
      ...(s.role ? { role: s.role } : {}),
      ...(s.date ? { date: s.date } : {}),
    });
    const row = confusion.get(s.decision) ?? new Map<Decision, number>();
    row.set(answer.decision, (row.get(answer.decision) ?? 0) + 1);
    confusion.set(s.decision, row);
    const factMisses: Miss["factMisses"] = [];
    for (const [fact, expected] of Object.entries(s.facts ?? {}) as [FactName, string | undefined][]) {
      if (expected === undefined) continue;
      facts[fact].total++;
      if (answer.facts[fact] === expected) facts[fact].correct++;
      else factMisses.push({ fact, expected, got: answer.facts[fact] });
    }
    if (answer.decision === s.decision) correct++;
    if (answer.decision !== s.decision || factMisses.length > 0) {
      misses.push({ line: i + 1, question: s.question, expected: s.decision, got: answer.decision, factMisses });
    }
  });
  return { total: scenarios.length, correct, facts, confusion, misses };
}

const pct = (n: number, d: number) => (d === 0 ? "n/a" : `${((100 * n) / d).toFixed(1)}%`);

export function formatReport(report: EvalReport, file: string): string {
  const lines: string[] = [`Scenarios: ${file} (${report.total} questions)`, ""];
  lines.push("Misses:");
  const decisionMisses = report.misses.filter((m) => m.expected !== m.got);
  if (decisionMisses.length === 0) lines.push("  (no decision missed)");
  for (const m of decisionMisses) {
    lines.push(`  line ${m.line}: expected ${m.expected}, got ${m.got}`);
    lines.push(`    ${JSON.stringify(m.question.length > 160 ? `${m.question.slice(0, 157)}...` : m.question)}`);
    for (const f of m.factMisses) lines.push(`    ${f.fact}: expected ${f.expected}, got ${f.got}`);
  }
  const factOnly = report.misses.filter((m) => m.expected === m.got);
  if (factOnly.length > 0) {
    lines.push("", "Fact misses (decision right):");
    for (const m of factOnly) {
      lines.push(
        `  line ${m.line}: ${m.factMisses.map((f) => `${f.fact} expected ${f.expected}, got ${f.got}`).join("; ")}`,
      );
    }
  }
  lines.push("", "Confusion (expected -> got, count), misses only:");
  let any = false;
  for (const [expected, row] of report.confusion) {
    for (const [got, n] of row) {
      if (got !== expected) {
        lines.push(`  ${expected} -> ${got}: ${n}`);
        any = true;
      }
    }
  }
  if (!any) lines.push("  (none)");
  lines.push("", "Per fact:");
  for (const [fact, { total, correct }] of Object.entries(report.facts)) {
    if (total > 0) lines.push(`  ${fact.padEnd(10)} ${pct(correct, total).padStart(6)}  (${correct}/${total})`);
  }
  lines.push("", `Decisions: ${pct(report.correct, report.total)} (${report.correct}/${report.total})`);
  return lines.join("\n");
}
