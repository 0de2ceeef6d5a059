/**
 * Citations that cannot drift: every quote in the pack must occur, character for
 * character, in the text of the source it names. Run by `ice-protocol policy verify`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PolicyPack } from "./load.js";

export interface QuoteProblem {
  citation: string;
  source: string;
  quote: string;
  problem: string;
}

/** The text of a source file without its front-matter header. */
export function sourceBody(raw: string): string {
  const match = /^---\r?\n[\s\S]*?\r?\n---\r?\n?/.exec(raw);
  return match ? raw.slice(match[0].length) : raw;
}

export function verifyQuotes(pack: PolicyPack, sourcesDir: string): QuoteProblem[] {
  const problems: QuoteProblem[] = [];
  const bodies = new Map<string, string | undefined>();
  for (const source of pack.sources) {
    const file = join(sourcesDir, `${source.id}.txt`);
    bodies.set(source.id, existsSync(file) ? sourceBody(readFileSync(file, "utf8")) : undefined);
  }
  for (const c of pack.citations) {
    const body = bodies.get(c.source);
    if (body === undefined) {
      problems.push({
        citation: c.id,
        source: c.source,
        quote: c.quote,
        problem: `no file ${c.source}.txt in ${sourcesDir}`,
      });
    } else if (!body.includes(c.quote)) {
      problems.push({
        citation: c.id,
        source: c.source,
        quote: c.quote,
        problem: "quote not found verbatim in the source",
      });
    }
  }
  return problems;
}
