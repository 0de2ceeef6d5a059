/**
 * Loads the policy pack from its YAML files, validates every file with zod and every
 * cross-reference, and refuses to load a broken pack with an error that names the file,
 * the line and the entry. The result is plain data; the core compiles it once at start.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LineCounter, isNode, parseDocument, type Document } from "yaml";
import { z } from "zod";
import {
  citationSchema,
  clarifySchema,
  escalationTargetSchema,
  overlaySchema,
  ruleSchema,
  sourceSchema,
  type Citation,
  type ClarifyQuestion,
  type Condition,
  type EscalationTarget,
  type Overlay,
  type Rule,
  type Source,
} from "./schema.js";
import { DECISIONS, FACT_VALUES, ROLES, type FactName } from "./vocabulary.js";
import { lexiconSchema, type Lexicon } from "./lexicon-schema.js";

/** The pack as committed: src/policy/pack (the same path from src/ and from dist/). */
export const DEFAULT_PACK_DIR = fileURLToPath(new URL("../../src/policy/pack", import.meta.url));

export interface PolicyPack {
  dir: string;
  sources: Source[];
  citations: Citation[];
  rules: Rule[];
  overlays: Overlay[];
  clarify: ClarifyQuestion[];
  escalation: EscalationTarget[];
  lexicon: Lexicon;
}

/** A pack that does not load: the message names the file, the line and the entry. */
export class PackError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly entry: string,
    readonly problem: string,
  ) {
    super(`${file}${line ? `:${line}` : ""}: ${entry ? `${entry}: ` : ""}${problem}`);
    this.name = "PackError";
  }
}

interface ParsedFile {
  file: string;
  doc: Document;
  lines: LineCounter;
}

function readYaml(dir: string, name: string): ParsedFile {
  const file = join(dir, name);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new PackError(file, undefined, "", "file is missing");
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    throw new PackError(file, first.linePos?.[0].line, "", `not valid YAML: ${first.message.split("\n")[0]}`);
  }
  return { file, doc, lines };
}

function lineOf(parsed: ParsedFile, path: readonly PropertyKey[]): number | undefined {
  // Walk up the path until a node with a position is found (a missing key has none).
  for (let n = path.length; n >= 0; n--) {
    const node = parsed.doc.getIn(path.slice(0, n) as (string | number)[], true);
    if (isNode(node) && node.range) return parsed.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function describePath(path: readonly PropertyKey[], data: unknown): string {
  // Name entries by their id where they have one: "citations[eo26-no-entry].quote".
  let out = "";
  let cursor: unknown = data;
  for (const key of path) {
    if (typeof key === "number") {
      const item = Array.isArray(cursor) ? (cursor[key] as Record<string, unknown> | undefined) : undefined;
      const id = item && typeof item === "object" ? (item.id ?? item.decision ?? item.fact) : undefined;
      out += typeof id === "string" ? `[${id}]` : `[${key}]`;
    } else {
      out += out ? `.${String(key)}` : String(key);
    }
    cursor = cursor && typeof cursor === "object" ? (cursor as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return out;
}

function parseWith<T>(parsed: ParsedFile, schema: z.ZodType<T>, label: string): T {
  const data: unknown = parsed.doc.toJS();
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new PackError(
      parsed.file,
      lineOf(parsed, issue.path),
      describePath([label, ...issue.path].slice(1), data) || label,
      issue.message,
    );
  }
  return result.data;
}

/** Load and check the pack. Throws PackError on the first problem found. */
export function loadPack(dir: string = DEFAULT_PACK_DIR): PolicyPack {
  const sourcesFile = readYaml(dir, "sources.yaml");
  const sources = parseWith(sourcesFile, z.array(sourceSchema).min(1), "sources");
  const citationsFile = readYaml(dir, "citations.yaml");
  const citations = parseWith(citationsFile, z.array(citationSchema).min(1), "citations");
  const overlaysFile = readYaml(dir, "overlays.yaml");
  const overlays = parseWith(overlaysFile, z.array(overlaySchema), "overlays");
  const clarifyFile = readYaml(dir, "clarify.yaml");
  const clarify = parseWith(clarifyFile, z.array(clarifySchema), "clarify");
  const escalationFile = readYaml(dir, "escalation.yaml");
  const escalation = parseWith(escalationFile, z.array(escalationTargetSchema).min(1), "escalation");
  const lexiconFile = readYaml(dir, "lexicon.yaml");
  const lexicon = parseWith(lexiconFile, lexiconSchema, "lexicon");

  const ruleFiles = readdirSync(join(dir, "rules"))
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  const rules: Rule[] = [];
  const ruleFileOf = new Map<Rule, ParsedFile>();
  for (const name of ruleFiles) {
    const parsed = readYaml(join(dir, "rules"), name);
    const rule = parseWith(parsed, ruleSchema, "");
    rules.push(rule);
    ruleFileOf.set(rule, parsed);
  }
  rules.sort((a, b) => a.row - b.row);

  // ---- cross-references ----
  const unique = <T>(items: T[], key: (t: T) => string, parsed: ParsedFile, what: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const k = key(item);
      if (seen.has(k)) throw new PackError(parsed.file, lineOf(parsed, [i]), `${what}[${k}]`, "duplicate id");
      seen.add(k);
    });
  };
  unique(sources, (s) => s.id, sourcesFile, "sources");
  unique(citations, (c) => c.id, citationsFile, "citations");

  const sourceIds = new Set(sources.map((s) => s.id));
  citations.forEach((c, i) => {
    if (!sourceIds.has(c.source)) {
      throw new PackError(
        citationsFile.file,
        lineOf(citationsFile, [i, "source"]),
        `citations[${c.id}].source`,
        `unknown source "${c.source}"`,
      );
    }
  });

  const citationIds = new Set(citations.map((c) => c.id));
  const checkCites = (parsed: ParsedFile, where: string, base: (string | number)[], cite: string[]) => {
    cite.forEach((id, k) => {
      if (!citationIds.has(id)) {
        throw new PackError(parsed.file, lineOf(parsed, [...base, k]), where, `unknown citation "${id}"`);
      }
    });
  };
  const checkCondition = (
    parsed: ParsedFile,
    where: string,
    base: (string | number)[],
    cond: Condition | undefined,
  ) => {
    if (!cond) return;
    if (cond.asOfBefore && cond.asOfFrom && cond.asOfFrom >= cond.asOfBefore) {
      throw new PackError(parsed.file, lineOf(parsed, base), where, "asOfFrom must be before asOfBefore");
    }
  };

  const rowsSeen = new Map<number, string>();
  for (const rule of rules) {
    const parsed = ruleFileOf.get(rule)!;
    const name = `rule ${rule.row} ${rule.decision}`;
    if (rowsSeen.has(rule.row)) {
      throw new PackError(
        parsed.file,
        lineOf(parsed, ["row"]),
        name,
        `row ${rule.row} is also used by ${rowsSeen.get(rule.row)}`,
      );
    }
    rowsSeen.set(rule.row, rule.decision);
    checkCondition(parsed, `${name}.when`, ["when"], rule.when);
    rule.grounds.forEach((g, i) => {
      checkCites(parsed, `${name}.grounds[${i}].cite`, ["grounds", i, "cite"], g.cite);
      checkCondition(parsed, `${name}.grounds[${i}].when`, ["grounds", i, "when"], g.when);
    });
    rule.steps.forEach((s, i) => {
      checkCites(parsed, `${name}.steps[${i}].cite`, ["steps", i, "cite"], s.cite);
      checkCondition(parsed, `${name}.steps[${i}].when`, ["steps", i, "when"], s.when);
    });
  }
  const decided = new Set(rules.map((r) => r.decision));
  const missing = DECISIONS.filter((d) => !decided.has(d));
  if (missing.length > 0) {
    throw new PackError(join(dir, "rules"), undefined, "", `no rule decides ${missing.join(", ")}`);
  }
  if (rules.some((r) => r.when.inScope === false) === false) {
    throw new PackError(join(dir, "rules"), undefined, "", "no rule handles out-of-scope questions");
  }

  overlays.forEach((o, i) =>
    o.steps.forEach((s, k) =>
      checkCites(overlaysFile, `overlays[${o.id}].steps[${k}].cite`, [i, "steps", k, "cite"], s.cite),
    ),
  );

  clarify.forEach((q, i) => {
    const allowed = FACT_VALUES[q.fact as FactName] as readonly string[];
    [...q.askWhen, ...q.options.map((o) => o.value)].forEach((v) => {
      if (!allowed.includes(v)) {
        throw new PackError(
          clarifyFile.file,
          lineOf(clarifyFile, [i]),
          `clarify[${q.fact}]`,
          `"${v}" is not a value of ${q.fact}`,
        );
      }
    });
  });

  const covered = new Set(escalation.flatMap((t) => t.roles));
  const uncovered = ROLES.filter((r) => !covered.has(r));
  if (uncovered.length > 0) {
    throw new PackError(
      escalationFile.file,
      undefined,
      "escalation",
      `no escalation target for role ${uncovered.join(", ")}`,
    );
  }

  return { dir, sources, citations, rules, overlays, clarify, escalation, lexicon };
}
