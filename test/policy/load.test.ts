/**
 * The pack loader refuses a broken pack, and says where: the file, the line and the entry.
 * Each case copies the committed pack to a temporary folder, breaks one thing, and loads it.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PACK_DIR, PackError, loadPack } from "../../src/policy/load.js";
import { DECISIONS } from "../../src/policy/vocabulary.js";
import { tempDirs } from "../support/tmp.js";

const tempDir = tempDirs();
const copyPack = () => tempDir("ice-pack-", DEFAULT_PACK_DIR);

/**
 * Replace `from` (which must occur exactly once) in a pack file; returns the 1-based line
 * of the last occurrence of `marker` after the edit (where a duplicate is found).
 */
function edit(dir: string, file: string, from: string, to: string, marker: string = to): number {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  expect(text.split(from).length - 1, `"${from}" should occur once in ${file}`).toBe(1);
  const next = text.replace(from, to);
  writeFileSync(path, next);
  const at = next.lastIndexOf(marker);
  expect(at, `"${marker}" should be in the edited ${file}`).toBeGreaterThanOrEqual(0);
  return next.slice(0, at).split("\n").length;
}

function loadError(dir: string): PackError {
  try {
    loadPack(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(PackError);
    return error as PackError;
  }
  throw new Error("the broken pack loaded");
}

function expectNamed(error: PackError, dir: string, file: string, line: number, entry: string) {
  const path = join(dir, file);
  expect(error.file).toBe(path);
  expect(error.line).toBe(line);
  expect(error.entry).toContain(entry);
  // The message alone must tell a reviewer where to look.
  expect(error.message).toContain(`${path}:${line}:`);
  expect(error.message).toContain(entry);
}

describe("the committed pack", () => {
  it("loads, with a rule for every decision, in row order", () => {
    const pack = loadPack();
    expect(pack.rules.map((r) => r.decision)).toEqual([...DECISIONS]);
    expect(pack.rules.map((r) => r.row)).toEqual(DECISIONS.map((_, i) => i + 1));
  });

  it("uses every citation somewhere, and cites only known ones", () => {
    const pack = loadPack();
    const used = new Set(
      [...pack.rules.flatMap((r) => [...r.steps, ...r.grounds]), ...pack.overlays.flatMap((o) => o.steps)].flatMap(
        (s) => s.cite,
      ),
    );
    const ids = new Set(pack.citations.map((c) => c.id));
    expect([...used].filter((id) => !ids.has(id))).toEqual([]);
    expect([...ids].filter((id) => !used.has(id))).toEqual([]);
  });
});

describe("a broken pack does not load, and the error says where", () => {
  const RULE12 = "rules/12-entry-deny-without-judicial-warrant.yaml";

  it("a rule step citing an unknown citation id", () => {
    const dir = copyPack();
    const line = edit(
      dir,
      RULE12,
      "    cite: [eo26-no-entry]\n  - say: An ICE form",
      "    cite: [eo26-no-entry-typo]\n  - say: An ICE form",
      "eo26-no-entry-typo",
    );
    const error = loadError(dir);
    expectNamed(error, dir, RULE12, line, "rule 12 ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT.steps[3].cite");
    expect(error.message).toContain('unknown citation "eo26-no-entry-typo"');
  });

  it("a policy step without a citation", () => {
    const dir = copyPack();
    const file = "rules/03-agreement-prohibited.yaml";
    const line = edit(
      dir,
      file,
      "    cite: [ll228-287g-deputized]\n",
      "",
      "  - say: City officers and employees may not be deputized",
    );
    const error = loadError(dir);
    expectNamed(error, dir, file, line, "steps[1].cite");
    expect(error.message).toMatch(/must cite at least one excerpt/);
  });

  it("a fact value the SPEC does not have", () => {
    const dir = copyPack();
    const line = edit(
      dir,
      RULE12,
      "  document: [none, administrative-warrant, subpoena, unknown]",
      "  document: [none, administrative-warrant, subpoena, napkin]",
    );
    const error = loadError(dir);
    expectNamed(error, dir, RULE12, line, "when.document");
  });

  it("a bad fact value in a step condition", () => {
    const dir = copyPack();
    const file = "rules/05-safety-do-not-obstruct.yaml";
    const line = edit(dir, file, "      place: [school]", "      place: [schoolyard]");
    const error = loadError(dir);
    expectNamed(error, dir, file, line, "steps[4].when.place");
  });

  it("invalid YAML", () => {
    const dir = copyPack();
    // A reviewer's typical slip: an unquoted value containing ": ".
    const line = edit(
      dir,
      "citations.yaml",
      "  says: The warrant must be signed by a judge.\n",
      "  says: The rule: signed by a judge: always.\n",
    );
    const error = loadError(dir);
    // The parser cannot say which entry an unparseable line belongs to: the file and line do.
    expect(error.file).toBe(join(dir, "citations.yaml"));
    expect(error.line).toBe(line);
    expect(error.message).toContain(`${join(dir, "citations.yaml")}:${line}: not valid YAML`);
  });

  it("a duplicate citation id", () => {
    const dir = copyPack();
    // Renaming a later entry to an earlier id: the error points at the second one.
    const line = edit(dir, "citations.yaml", "- id: doe-court-order\n", "- id: doe-judge-signed\n");
    const error = loadError(dir);
    expectNamed(error, dir, "citations.yaml", line, "citations[doe-judge-signed]");
    expect(error.message).toContain("duplicate id");
  });

  it("a lexicon pattern that is not a valid regular expression", () => {
    const dir = copyPack();
    const text = readFileSync(join(dir, "lexicon.yaml"), "utf8");
    const original = /^ {2}subpoena: '.*'$/m.exec(text)![0];
    const line = edit(dir, "lexicon.yaml", original, original.replace("subpoena: '", "subpoena: '(unclosed|"));
    const error = loadError(dir);
    expectNamed(error, dir, "lexicon.yaml", line, "terms.subpoena");
    expect(error.message).toMatch(/not a valid regular expression/);
  });

  it("a lexicon alternative ending in a space, which could never match a whole word", () => {
    const dir = copyPack();
    const text = readFileSync(join(dir, "lexicon.yaml"), "utf8");
    const original = /^ {2}subpoena: '.*'$/m.exec(text)![0];
    const line = edit(dir, "lexicon.yaml", original, original.replace("subpoena: '", "subpoena: 'served with a |"));
    const error = loadError(dir);
    expectNamed(error, dir, "lexicon.yaml", line, "terms.subpoena");
    expect(error.message).toMatch(/ends with a space and can never match/);
  });

  it("a citation naming a source that does not exist", () => {
    const dir = copyPack();
    const line = edit(
      dir,
      "citations.yaml",
      "- id: doe-court-order\n  source: doe-schools-2017\n",
      "- id: doe-court-order\n  source: doe-schools-2071\n",
      "  source: doe-schools-2071",
    );
    const error = loadError(dir);
    expectNamed(error, dir, "citations.yaml", line, "citations[doe-court-order].source");
  });

  it("two rules on the same row", () => {
    const dir = copyPack();
    const file = "rules/13-rights-referral.yaml";
    const line = edit(dir, file, "row: 13\n", "row: 12\n", "row: 12");
    const error = loadError(dir);
    expectNamed(error, dir, file, line, "rule 12 RIGHTS_REFERRAL");
  });

  it("a missing file", () => {
    const dir = copyPack();
    rmSync(join(dir, "escalation.yaml"));
    const error = loadError(dir);
    expect(error.file).toBe(join(dir, "escalation.yaml"));
    expect(error.message).toMatch(/file is missing/);
  });
});
