/**
 * Citations cannot drift: every quote in the pack occurs, character for character, in the
 * source file it names (SPEC: "the test suite checks this for every citation in the rule
 * pack"). Needs the shared corpus beside the repo (../shared/sources); skipped, saying so,
 * when it is not there.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sourceBody, verifyQuotes } from "../../src/policy/verify.js";
import { HAVE_SOURCES, NO_SOURCES_NOTE, SOURCES_DIR, pack, sourceText } from "../support/answers.js";
import { tempDirs } from "../support/tmp.js";

const tempDir = tempDirs();
const copySources = () => tempDir("ice-sources-", SOURCES_DIR);

describe.skipIf(!HAVE_SOURCES)(`quotes against ../shared/sources${HAVE_SOURCES ? "" : ` (${NO_SOURCES_NOTE})`}`, () => {
  it.each(pack.citations.map((c) => [c.id, c] as const))("%s is verbatim in its source", (_id, c) => {
    const text = sourceText(c.source);
    expect(text, `${c.source}.txt is missing from ${SOURCES_DIR}`).toBeDefined();
    expect(sourceBody(text!)).toContain(c.quote);
  });

  it("verifyQuotes finds no problem in the real corpus", () => {
    expect(verifyQuotes(pack, SOURCES_DIR)).toEqual([]);
  });

  // One changed character in a quoted passage: see the `policy verify` CLI test, which
  // checks the exit code and that exactly that citation is named.

  it("verifyQuotes reports every citation of a source file that is missing", () => {
    const dir = copySources();
    rmSync(join(dir, "city-agencies-2025.txt"));
    const problems = verifyQuotes(pack, dir);
    const expected = pack.citations.filter((c) => c.source === "city-agencies-2025").map((c) => c.id);
    expect(problems.map((p) => p.citation)).toEqual(expected);
    expect(problems.every((p) => /no file city-agencies-2025\.txt/.test(p.problem))).toBe(true);
  });

  it("a quote found only in a file's front-matter header does not count", () => {
    const dir = copySources();
    const victim = pack.citations.find((c) => c.id === "city25-step-aside")!;
    const file = join(dir, `${victim.source}.txt`);
    const body = sourceBody(readFileSync(file, "utf8")).replace(victim.quote, "(removed)");
    writeFileSync(file, `---\nid: ${victim.source}\nnote: "${victim.quote}"\n---\n${body}`);
    expect(verifyQuotes(pack, dir).map((p) => p.citation)).toEqual(["city25-step-aside"]);
  });
});

describe("sourceBody", () => {
  it("drops the front-matter header and keeps the text as received", () => {
    expect(sourceBody("---\nid: x\ndate: 2026\n---\nBody  text\n")).toBe("Body  text\n");
    expect(sourceBody("No header\n---\n")).toBe("No header\n---\n");
  });
});
