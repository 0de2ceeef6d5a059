/**
 * The rules as a reviewer reads them: each row's condition, its steps, and the exact
 * source text each step rests on, side by side (our answer to Catala's literate files).
 */
import type { PolicyPack } from "../../policy/load.js";
import type { Condition } from "../../policy/schema.js";

function describe(cond: Condition | undefined): string {
  if (!cond) return "always";
  const parts = Object.entries(cond).map(([k, v]) => {
    if (Array.isArray(v)) return `${k} is ${v.join(" or ")}`;
    if (v && typeof v === "object" && "not" in v) return `${k} is not ${(v as { not: string[] }).not.join(" or ")}`;
    return `${k} = ${String(v)}`;
  });
  return parts.length ? parts.join(", ") : "always";
}

export function renderPolicy(pack: PolicyPack): string {
  const quote = new Map(pack.citations.map((c) => [c.id, c]));
  const source = new Map(pack.sources.map((s) => [s.id, s]));
  const out: string[] = ["# ice-protocol policy pack", ""];
  out.push("## Sources", "");
  for (const s of pack.sources)
    out.push(
      `- ${s.id}: ${s.title}, ${s.date} (in force from ${s.inForceFrom}${s.approximateStart ? ", approximate" : ""})`,
    );
  for (const rule of pack.rules) {
    out.push(
      "",
      `## Row ${rule.row}: ${rule.decision}`,
      "",
      `When: ${describe(rule.when)}`,
      `Says first: ${rule.headline}`,
      `Escalation: ${rule.escalate}`,
    );
    rule.grounds.forEach((g) => out.push(`Holds where ${describe(g.when)}, on: ${g.cite.join(", ")}`));
    out.push("");
    rule.steps.forEach((step, i) => {
      out.push(`${i + 1}. ${step.say}${step.when ? `  (when ${describe(step.when)})` : ""}`);
      for (const id of step.cite) {
        const c = quote.get(id)!;
        out.push(`     > "${c.quote}" (${source.get(c.source)!.title}, ${source.get(c.source)!.date})`);
      }
      if (step.service) out.push("     (about the service; cites nothing)");
    });
  }
  return out.join("\n");
}
