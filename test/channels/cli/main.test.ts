/**
 * The `ice-protocol` command, run in-process through runCli with captured standard
 * streams: the `ask --json` contract of the SPEC, JSONL over standard input, `eval`,
 * `policy verify` / `show`, and `chat` when standard input is not a terminal.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { USAGE, runCli } from "../../../src/channels/cli/main.js";
import { FACT_NAMES } from "../../../src/policy/vocabulary.js";
import {
  HAVE_SOURCES,
  NO_SOURCES_NOTE,
  REPO_DIR,
  SOURCES_DIR,
  TODAY,
  pack,
  sourceText,
} from "../../support/answers.js";
import { tempDirs } from "../../support/tmp.js";

type Io = NonNullable<Parameters<typeof runCli>[1]>;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], stdin: string = ""): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdin: Readable.from([stdin]),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    today: TODAY,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const tempDir = tempDirs();

/** The SPEC's machine-readable contract, field by field. */
function expectContract(json: Record<string, unknown>) {
  expect(json).toEqual(
    expect.objectContaining({
      decision: expect.any(String),
      asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      facts: expect.any(Object),
      steps: expect.any(Array),
      escalate: expect.any(Object),
      clarify: expect.any(Array),
      citations: expect.any(Array),
    }),
  );
  expect(Object.keys(json.facts as object).sort()).toEqual([...FACT_NAMES].sort());
  expect((json.steps as unknown[]).length).toBeGreaterThan(0);
  for (const step of json.steps as unknown[]) expect(typeof step).toBe("string");
  const escalate = json.escalate as Record<string, unknown>;
  expect(Object.keys(escalate).sort()).toEqual(["queue", "required", "urgent"]);
  expect(typeof escalate.required).toBe("boolean");
  expect(typeof escalate.urgent).toBe("boolean");
  expect(["doe-legal", "nypd-legal", "agency-counsel"]).toContain(escalate.queue);
  for (const q of json.clarify as Record<string, unknown>[]) {
    expect(q).toEqual(
      expect.objectContaining({ fact: expect.any(String), question: expect.any(String), options: expect.any(Array) }),
    );
  }
  for (const c of json.citations as Record<string, unknown>[]) {
    expect(c).toEqual(
      expect.objectContaining({ source: expect.any(String), date: expect.any(String), quote: expect.any(String) }),
    );
    if (HAVE_SOURCES) expect(sourceText(c.source as string)).toContain(c.quote);
  }
}

describe("ask", () => {
  it("--json prints the SPEC contract", async () => {
    const run = await cli(["ask", "--json", "ICE agents are at the front desk of my school without a warrant"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const json = JSON.parse(run.stdout);
    expectContract(json);
    expect(json).toMatchObject({
      decision: "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
      asOf: TODAY,
      facts: {
        role: "doe",
        place: "school",
        area: "public",
        requester: "immigration",
        request: "entry",
        document: "none",
      },
      escalate: { required: true, queue: "doe-legal", urgent: false },
    });
    expect(json.citations.length).toBeGreaterThan(0);
  });

  it("--json --role --date answer for that role and day", async () => {
    const run = await cli([
      "ask",
      "--json",
      "--role",
      "nypd",
      "--date",
      "2018-05-01",
      "ICE asked us to help with an arrest",
    ]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expectContract(json);
    expect(json).toMatchObject({ decision: "NYPD_ASSIST_DUTY_CHIEF", asOf: "2018-05-01", facts: { role: "nypd" } });
    expect(json.escalate.queue).toBe("nypd-legal");
    expect(new Set(json.citations.map((c: { source: string }) => c.source))).toEqual(new Set(["ll228-guidance-2018"]));
  });

  it("--json with an unknown document asks whether it is signed by a judge", async () => {
    const json = JSON.parse((await cli(["ask", "--json", "ICE is at the front door of our shelter"])).stdout);
    expect(json.clarify).toEqual([
      expect.objectContaining({ fact: "document", question: "Is the document signed by a judge?" }),
    ]);
  });

  it("prints text: the decision first, numbered steps with citation marks, the sources", async () => {
    const run = await cli(["ask", "ICE agents are at the front desk of my school without a warrant"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^Do not let them past the public area/);
    expect(run.stdout).toMatch(/^1\. .+ \[\d+\]/m);
    expect(run.stdout).toContain("Sources:");
    expect(run.stdout).toContain(`(ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT, as of ${TODAY})`);
  });

  it("refuses a bad role, a bad date and a missing question with usage (exit 2)", async () => {
    for (const argv of [
      ["ask", "--role", "mayor", "ICE is here"],
      ["ask", "--date", "2026-13-01", "ICE is here"],
      ["ask"],
      ["ask", "--bogus", "ICE is here"],
    ]) {
      const run = await cli(argv);
      expect(run.code, argv.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/^ice-protocol: .+\nRun "ice-protocol help" for usage\./);
    }
  });
});

describe("ask --json - (one question per line on standard input)", () => {
  const INPUT = [
    "ice at the clinic door",
    JSON.stringify({ question: "ICE wants our roster", role: "doe" }),
    JSON.stringify({ question: "ICE agents are at the school front door", date: "2016-06-01" }),
    '{"question": "ICE is at the door", "role": ',
    JSON.stringify({ question: "ICE is at the shelter door", date: "2026-02-30" }),
    JSON.stringify({ question: "ICE is at the shelter door", role: "mayor" }),
    JSON.stringify({ role: "doe" }),
    "ICE asked us to sign a 287(g) agreement",
  ];

  it("prints exactly one line per input line, in order, with an error object for bad lines, and goes on", async () => {
    const run = await cli(["ask", "--json", "-"], `${INPUT.join("\n")}\n`);
    const out = run.stdout.trimEnd().split("\n");
    expect(out).toHaveLength(INPUT.length);
    const json = out.map((line) => JSON.parse(line));

    expectContract(json[0]);
    expect(json[0]).toMatchObject({ decision: "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT", asOf: TODAY });
    expect(json[1]).toMatchObject({
      decision: "INFO_DO_NOT_DISCLOSE",
      facts: { role: "doe" },
      escalate: { queue: "doe-legal" },
    });
    expect(json[2]).toMatchObject({ decision: "NO_POLICY_IN_FORCE", asOf: "2016-06-01" });
    for (const i of [3, 4, 5, 6]) {
      expect(json[i], `line ${i + 1}`).not.toHaveProperty("decision");
      expect(typeof json[i].error, `line ${i + 1}`).toBe("string");
    }
    expect(json[3].error).toMatch(/not valid JSON/);
    expect(json[4].error).toMatch(/date/);
    expect(json[5].error).toMatch(/role/);
    expect(json[6].error).toMatch(/question/);
    expect(json[7]).toMatchObject({ decision: "AGREEMENT_PROHIBITED" });
    // A bad line does not stop the run, but the exit code says something went wrong.
    expect(run.code).toBe(1);
  });

  it("answers a blank line with an error line, so output lines stay matched to input lines", async () => {
    const run = await cli(["ask", "--json", "-"], "ICE at the clinic door\n\nICE wants our roster\n");
    const out = run.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(3);
    expect(out[0]).toHaveProperty("decision");
    expect(out[1].error).toMatch(/empty/);
    expect(out[2]).toHaveProperty("decision");
    expect(run.code).toBe(1);
  });

  it("exits 0 when every line answers, and the flags apply to every line without its own", async () => {
    const run = await cli(
      ["ask", "--json", "--role", "nypd", "--date", "2019-01-01", "-"],
      "ICE asked us to help with an arrest\n" +
        JSON.stringify({ question: "ICE asked us to help with an arrest", role: "health" }),
    );
    expect(run.code).toBe(0);
    const [a, b] = run.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(a).toMatchObject({ decision: "NYPD_ASSIST_DUTY_CHIEF", asOf: "2019-01-01" });
    expect(b).toMatchObject({
      decision: "ASSIST_NO_VOLUNTARY_COOPERATION",
      asOf: "2019-01-01",
      facts: { role: "health" },
    });
  });
});

describe("eval", () => {
  const SCENARIOS = [
    {
      question: "ICE agents are at the front desk of my school without a warrant",
      decision: "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
      facts: { place: "school", document: "none" },
    },
    { question: "ICE wants to deputize our officers under 287(g)", decision: "AGREEMENT_PROHIBITED" },
    {
      question: "ICE is at the front door of our shelter",
      decision: "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
      date: "2016-01-01",
    },
    // Deliberately mislabelled: the bot answers AGREEMENT_PROHIBITED.
    { question: "ICE asked us to sign a 287(g) agreement", decision: "RIGHTS_REFERRAL" },
  ];

  function scenarioFile(lines: object[]): string {
    const file = join(tempDir("ice-eval-"), "small.jsonl");
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    return file;
  }

  it("prints accuracy, a confusion section and the misses", async () => {
    const file = scenarioFile(SCENARIOS);
    const run = await cli(["eval", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Scenarios: ${file} (4 questions)`);
    expect(run.stdout).toContain("Decisions: 50.0% (2/4)");
    expect(run.stdout).toMatch(/Confusion[^\n]*\n\s+ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT -> NO_POLICY_IN_FORCE: 1/);
    expect(run.stdout).toContain("RIGHTS_REFERRAL -> AGREEMENT_PROHIBITED: 1");
    expect(run.stdout).toMatch(
      /Misses:\n\s+line 3: expected ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT, got NO_POLICY_IN_FORCE/,
    );
    expect(run.stdout).toContain("line 4: expected RIGHTS_REFERRAL, got AGREEMENT_PROHIBITED");
    expect(run.stdout).toMatch(/Per fact:\n\s+place\s+100\.0%\s+\(1\/1\)/);
  });

  it("ends each report with its score line, so `| tail -1` prints the score", async () => {
    const first = scenarioFile(SCENARIOS);
    const second = scenarioFile(SCENARIOS.slice(0, 2));
    const run = await cli(["eval", first, second]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(run.stdout.endsWith("\n\n")).toBe(false);
    expect(lines.at(-1)).toBe("Decisions: 100.0% (2/2)");
    expect(run.stdout).toContain("Decisions: 50.0% (2/4)\n\nScenarios:");
  });

  it("--min-accuracy exits 1 under the bar and 0 at or over it", async () => {
    const file = scenarioFile(SCENARIOS);
    expect((await cli(["eval", file, "--min-accuracy", "0.9"])).code).toBe(1);
    expect((await cli(["eval", file, "--min-accuracy", "0.5"])).code).toBe(0);
    expect((await cli(["eval", scenarioFile(SCENARIOS.slice(0, 2)), "--min-accuracy", "1"])).code).toBe(0);
  });

  it("refuses a bad --min-accuracy and names the line of a bad scenario", async () => {
    const file = scenarioFile(SCENARIOS);
    expect((await cli(["eval", file, "--min-accuracy", "90"])).code).toBe(2);
    const bad = join(tempDir("ice-eval-"), "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify(SCENARIOS[0])}\n{"question": "x", "decision": "MAYBE"}\n`);
    const run = await cli(["eval", bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}:2: decision`);
  });
});

describe("policy", () => {
  it("verify --sources on an intact copy exits 0", async (ctx) => {
    ctx.skip(!HAVE_SOURCES, NO_SOURCES_NOTE);
    const dir = tempDir("ice-sources-", SOURCES_DIR);
    const run = await cli(["policy", "verify", "--sources", dir]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(
      `all ${pack.citations.length} quotes found verbatim in ${pack.sources.length} sources`,
    );
  });

  it("verify exits 1 and names the citation when one character of a quoted passage changes", async (ctx) => {
    ctx.skip(!HAVE_SOURCES, NO_SOURCES_NOTE);
    const dir = tempDir("ice-sources-", SOURCES_DIR);
    const victim = pack.citations.find((c) => c.id === "ll228-duty-chief")!;
    const file = join(dir, `${victim.source}.txt`);
    const text = readFileSync(file, "utf8");
    const at = text.indexOf(victim.quote) + victim.quote.indexOf("Duty Chief");
    expect(text[at]).toBe("D");
    writeFileSync(file, `${text.slice(0, at)}d${text.slice(at + 1)}`);

    const run = await cli(["policy", "verify", "--sources", dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ll228-duty-chief");
    expect(run.stderr).toMatch(/MISMATCH ll228-duty-chief \(ll228-guidance-2018\)/);
    // Only that citation.
    expect(run.stderr.match(/^MISMATCH /gm)).toHaveLength(1);
    expect(run.stdout).toContain(`1 of ${pack.citations.length} quotes do not match`);
  });

  it("verify without --sources is a usage error", async () => {
    expect((await cli(["policy", "verify"])).code).toBe(2);
  });

  it("show prints every rule next to its quotes", async () => {
    const run = await cli(["policy", "show"]);
    expect(run.code).toBe(0);
    for (const rule of pack.rules) expect(run.stdout).toContain(`## Row ${rule.row}: ${rule.decision}`);
    expect(run.stdout).toContain(pack.citations.find((c) => c.id === "eo26-no-entry")!.quote);
  });
});

describe("chat, help and unknown commands", () => {
  it("chat with standard input that is not a terminal prints usage and exits 0", async () => {
    const run = await cli(["chat"], "ICE is at the door\n");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(USAGE);
    expect(run.stdout).toContain("Standard input is not a terminal");
  });

  it("`npm start` (dist/main.js) with no terminal exits at once instead of waiting", (ctx) => {
    const main = join(REPO_DIR, "dist/main.js");
    ctx.skip(!existsSync(main), "dist/main.js is not built (run `npm run build`)");
    const child = spawnSync(process.execPath, [main], { input: "", timeout: 15_000, encoding: "utf8" });
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(0);
    expect(child.stdout).toContain("Usage:");
  });

  it("help prints usage; an unknown command exits 2", async () => {
    expect((await cli(["help"])).stdout).toContain(USAGE);
    expect((await cli([])).code).toBe(0);
    const run = await cli(["frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"');
  });
});
