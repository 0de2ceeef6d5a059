/**
 * The `ice-protocol` command line: ask, eval, policy verify/show, chat. A thin adapter:
 * it parses arguments, reads files and standard input, and renders what the core decides.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { z } from "zod";
import { AskError, createEngine, type Engine } from "../../core/engine.js";
import { isIsoDate, todayInNewYork } from "../../core/dates.js";
import { loadPack, PackError } from "../../policy/load.js";
import { verifyQuotes } from "../../policy/verify.js";
import { ROLES, type Role } from "../../policy/vocabulary.js";
import { renderText, toJson } from "./render.js";
import { evaluate, formatReport, parseScenarios } from "./scenarios.js";
import { renderPolicy } from "./policy-show.js";

export const USAGE = `ice-protocol: what to do when immigration or other law-enforcement agents come to City
property or ask for City data, with verbatim citations of the City's policy sources.

Usage:
  ice-protocol ask [--json] [--role ROLE] [--date YYYY-MM-DD] "question"
  ice-protocol ask --json -            one question per line on standard input (text or
                                       {"question": "...", "role": "...", "date": "..."}),
                                       one JSON answer per line
  ice-protocol eval FILE.jsonl [--min-accuracy 0.9]
                                       score labelled scenarios (decisions, facts, misses)
  ice-protocol policy verify --sources DIR
                                       check every quote against the source texts
  ice-protocol policy show             the rules with their quotes, for review
  ice-protocol chat                    ask questions interactively
  ice-protocol help

Roles: ${ROLES.join(", ")}
Examples:
  ice-protocol ask "ICE agents are at the front desk of my school without a warrant"
  ice-protocol ask --json --role nypd "ICE asked us to help with an arrest"`;

interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
  /** Today's date; ICE_PROTOCOL_TODAY pins it (tests, reproducible evals). */
  today: string;
}

function defaultIo(): Io {
  const pinned = process.env.ICE_PROTOCOL_TODAY;
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    today: pinned && isIsoDate(pinned) ? pinned : todayInNewYork(),
  };
}

const roleSchema = z.enum(ROLES);
const jsonLineSchema = z.strictObject({
  question: z.string().min(1, "question is empty"),
  role: roleSchema.optional(),
  date: z.string().refine(isIsoDate, "date must be a real date as YYYY-MM-DD").optional(),
});

function parseRole(value: string | undefined): Role | undefined {
  if (value === undefined) return undefined;
  const parsed = roleSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`unknown role "${value}"; one of: ${ROLES.join(", ")}`);
  return parsed.data;
}

class UsageError extends Error {}

function loadEngine(): Engine {
  return createEngine(loadPack());
}

async function* linesOf(stream: NodeJS.ReadableStream): AsyncGenerator<string> {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

async function askCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: "boolean" }, role: { type: "string" }, date: { type: "string" } },
  });
  const role = parseRole(values.role);
  if (values.date !== undefined && !isIsoDate(values.date))
    throw new UsageError(`--date must be a real date as YYYY-MM-DD, not "${values.date}"`);
  const engine = loadEngine();
  const base = { today: io.today, ...(role ? { role } : {}), ...(values.date ? { date: values.date } : {}) };

  if (positionals.length === 1 && positionals[0] === "-") {
    // JSONL mode: one output line per input line, in order; a bad line reports and the run goes on.
    let failures = 0;
    for await (const line of linesOf(io.stdin)) {
      try {
        // One output line per input line, always: a blank line is a bad line, not a skipped one.
        if (line.trim() === "") throw new AskError("the line is empty");
        let question = line;
        let options = base;
        if (line.trimStart().startsWith("{")) {
          let raw: unknown;
          try {
            raw = JSON.parse(line);
          } catch {
            throw new AskError("the line starts with { but is not valid JSON");
          }
          const parsed = jsonLineSchema.safeParse(raw);
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            throw new AskError(`${issue.path.join(".") || "line"}: ${issue.message}`);
          }
          question = parsed.data.question;
          options = {
            ...base,
            ...(parsed.data.role ? { role: parsed.data.role } : {}),
            ...(parsed.data.date ? { date: parsed.data.date } : {}),
          };
        }
        const answer = engine.ask(question, options);
        io.stdout.write(
          `${values.json ? JSON.stringify(toJson(answer)) : renderText(answer).replaceAll("\n", " | ")}\n`,
        );
      } catch (error) {
        if (!(error instanceof AskError)) throw error;
        failures++;
        io.stdout.write(`${JSON.stringify({ error: error.message, input: line.slice(0, 200) })}\n`);
      }
    }
    return failures > 0 ? 1 : 0;
  }

  const question = positionals.join(" ").trim();
  if (question === "") throw new UsageError("ask needs a question, or - to read questions from standard input");
  const answer = engine.ask(question, base);
  io.stdout.write(values.json ? `${JSON.stringify(toJson(answer), null, 2)}\n` : `${renderText(answer)}\n`);
  return 0;
}

function evalCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { "min-accuracy": { type: "string" } },
  });
  if (positionals.length === 0) throw new UsageError("eval needs a scenario file (.jsonl)");
  const min = values["min-accuracy"] === undefined ? undefined : Number(values["min-accuracy"]);
  if (min !== undefined && !(min >= 0 && min <= 1)) throw new UsageError("--min-accuracy takes a number from 0 to 1");
  const engine = loadEngine();
  let ok = true;
  positionals.forEach((file, i) => {
    const scenarios = parseScenarios(readFileSync(file, "utf8"), file);
    const report = evaluate(engine, scenarios, io.today);
    // A blank line between reports, none after the last: `| tail -1` is the score line.
    io.stdout.write(`${i > 0 ? "\n" : ""}${formatReport(report, file)}\n`);
    if (min !== undefined && report.correct / Math.max(1, report.total) < min) ok = false;
  });
  return ok ? 0 : 1;
}

function policyCommand(args: string[], io: Io): number {
  const [sub, ...rest] = args;
  if (sub === "verify") {
    const { values } = parseArgs({ args: rest, options: { sources: { type: "string" } } });
    if (!values.sources)
      throw new UsageError("policy verify needs --sources DIR (the folder of <source-id>.txt files)");
    const pack = loadPack();
    const problems = verifyQuotes(pack, values.sources);
    for (const p of problems) {
      io.stderr.write(`MISMATCH ${p.citation} (${p.source}): ${p.problem}\n  "${p.quote}"\n`);
    }
    io.stdout.write(
      problems.length === 0
        ? `policy verify: all ${pack.citations.length} quotes found verbatim in ${pack.sources.length} sources\n`
        : `policy verify: ${problems.length} of ${pack.citations.length} quotes do not match\n`,
    );
    return problems.length === 0 ? 0 : 1;
  }
  if (sub === "show") {
    io.stdout.write(`${renderPolicy(loadPack())}\n`);
    return 0;
  }
  throw new UsageError('policy takes "verify --sources DIR" or "show"');
}

async function chatCommand(io: Io): Promise<number> {
  if (!io.stdin.isTTY) {
    io.stdout.write(`${USAGE}\n\n(Standard input is not a terminal, so there is no chat to start.)\n`);
    return 0;
  }
  const engine = loadEngine();
  let role: Role | undefined;
  let date: string | undefined;
  io.stdout.write(
    'ice-protocol chat. Describe the situation ("ICE is at the front desk without a warrant").\n' +
      "Commands: /role ROLE, /date YYYY-MM-DD (or /date today), /quit\n\n",
  );
  const rl = createInterface({ input: io.stdin, output: io.stdout as NodeJS.WritableStream, prompt: "> " });
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === "/quit" || line === "/exit") break;
    if (line.startsWith("/role")) {
      const value = line.slice(5).trim();
      const parsed = roleSchema.safeParse(value);
      if (parsed.success) {
        role = parsed.data;
        io.stdout.write(`Role set to ${role}.\n`);
      } else io.stdout.write(`Roles: ${ROLES.join(", ")}\n`);
    } else if (line.startsWith("/date")) {
      const value = line.slice(5).trim();
      if (value === "today") date = undefined;
      else if (isIsoDate(value)) date = value;
      else io.stdout.write("Use /date YYYY-MM-DD or /date today.\n");
    } else if (line !== "") {
      const answer = engine.ask(line, { today: io.today, ...(role ? { role } : {}), ...(date ? { date } : {}) });
      io.stdout.write(`\n${renderText(answer)}\n\n`);
    }
    rl.prompt();
  }
  rl.close();
  return 0;
}

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case "ask":
        return await askCommand(args, io);
      case "eval":
        return evalCommand(args, io);
      case "policy":
        return policyCommand(args, io);
      case "chat":
        return await chatCommand(io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(`${USAGE}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof AskError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      io.stderr.write(`ice-protocol: ${(error as Error).message}\nRun "ice-protocol help" for usage.\n`);
      return 2;
    }
    if (error instanceof PackError) {
      io.stderr.write(`ice-protocol: the policy pack does not load: ${error.message}\n`);
      return 3;
    }
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      io.stderr.write(`ice-protocol: ${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof Error && /^.+:\d+: /.test(error.message)) {
      io.stderr.write(`ice-protocol: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

export { chatCommand };
