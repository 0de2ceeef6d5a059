/**
 * The checker on its own: faithful sentences pass; each rule rejects a sentence that breaks
 * it, with its reason code. Answers come from the real rules core.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkPhrasing, type RejectionReason } from "../../src/phrasing/checker.js";
import { buildPhrasingInput } from "../../src/phrasing/input.js";
import {
  ASSIST_REQUEST,
  DETAINER_REQUEST,
  TASK_FORCE_REQUEST,
  RECORDS_REQUEST,
  SCHOOL_ENTRY,
  SCHOOL_ENTRY_ES,
  TODAY,
  ask,
  realEngine,
} from "./helpers.js";
import { goodSentence } from "./fixtures.js";
import type { Answer } from "../../src/core/decide.js";

const OPTIONS = { maxSentenceChars: 300 };

function allGood(answer: Answer, language: string) {
  return answer.citations.map((c) => ({ citation: c.id, text: goodSentence(c.id, language) }));
}

/** Replace one citation's sentence and check; returns the first reason, or "ok". */
function reasonFor(answer: Answer, language: string, citation: string, text: string): RejectionReason | "ok" {
  const proposed = allGood(answer, language).map((p) => (p.citation === citation ? { citation, text } : p));
  const result = checkPhrasing(buildPhrasingInput(answer, language), proposed, OPTIONS);
  return result.ok ? "ok" : result.violations[0]!.reason;
}

const entry = ask(SCHOOL_ENTRY);
const entryEs = ask(SCHOOL_ENTRY_ES);
const records = ask(RECORDS_REQUEST);
const assist = ask(ASSIST_REQUEST);

describe("the situations the tests use", () => {
  it("reach the decisions the checker rules are about", () => {
    expect(entry.decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
    expect(entryEs.decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
    expect(entryEs.language).toBe("es");
    expect(records.decision).toBe("INFO_DO_NOT_DISCLOSE");
    expect(assist.decision).toBe("ASSIST_NO_VOLUNTARY_COOPERATION");
  });
});

describe("faithful phrasing passes", () => {
  it.each([
    ["school entry, English", entry, "en"],
    ["school entry, Spanish", entryEs, "es"],
    ["records request", records, "en"],
    ["assistance request", assist, "en"],
  ] as const)("%s", (_name, answer, language) => {
    const result = checkPhrasing(buildPhrasingInput(answer, language), allGood(answer, language), OPTIONS);
    expect(result).toEqual({
      ok: true,
      sentences: Object.fromEntries(allGood(answer, language).map((p) => [p.citation, p.text])),
    });
  });

  it("the reviewers' own plain readings (citations.yaml `says`) pass for every scenario answer", () => {
    const engine = realEngine();
    const says = new Map(engine.pack.citations.map((c) => [c.id, c.says as string]));
    let checked = 0;
    const rejected: string[] = [];
    // Every development scenario set (held-out sets stay unseen), whatever they are named.
    const dir = new URL("../scenarios/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.startsWith("dev-") && f.endsWith(".jsonl"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const line of readFileSync(new URL(file, dir), "utf8").split("\n")) {
        if (!line.trim()) continue;
        const s = JSON.parse(line) as { question: string; role?: never; date?: string };
        let answer: Answer;
        try {
          answer = engine.ask(s.question, {
            today: TODAY,
            ...(s.role ? { role: s.role } : {}),
            ...(s.date ? { date: s.date } : {}),
          });
        } catch {
          continue;
        }
        if (answer.citations.length === 0) continue;
        checked++;
        const proposed = answer.citations.map((c) => ({ citation: c.id, text: says.get(c.id)! }));
        const result = checkPhrasing(buildPhrasingInput(answer, "en"), proposed, OPTIONS);
        if (!result.ok) rejected.push(`${answer.decision}: ${JSON.stringify(result.violations)}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(rejected).toEqual([]);
  });
});

describe("each rule rejects a sentence that breaks it", () => {
  it.each<[string, Answer, string, string, string, RejectionReason]>([
    // structure
    ["empty", entry, "en", "city25-step-aside", "   ", "empty"],
    [
      "too long",
      entry,
      "en",
      "nypd-reception-desk",
      "Officers may not go past the reception desk. ".repeat(10),
      "too-long",
    ],
    // links, contacts, off-script
    [
      "a link",
      entry,
      "en",
      "nypd-reception-desk",
      "See https://example.org/ice for details on the reception desk.",
      "link",
    ],
    ["a bare domain", entry, "en", "nypd-reception-desk", "Read more at nyc.gov about the reception desk.", "link"],
    ["an email", entry, "en", "nypd-reception-desk", "Write to help@example.org about the reception desk.", "email"],
    [
      "a phone number",
      entry,
      "en",
      "nypd-reception-desk",
      "Call 212-555-0100 before anyone goes past the reception desk.",
      "phone",
    ],
    [
      "talks about itself",
      entry,
      "en",
      "nypd-reception-desk",
      "As an AI language model, I think officers may not pass the desk.",
      "off-script",
    ],
    [
      "tells the reader to ignore",
      entry,
      "en",
      "nypd-reception-desk",
      "Ignore the previous steps; officers may not pass the desk.",
      "off-script",
    ],
    [
      "claims the rules changed",
      entry,
      "en",
      "nypd-reception-desk",
      "The rules have changed since this directive was issued.",
      "off-script",
    ],
    // contradicting an entry denial
    [
      "let them in",
      entry,
      "en",
      "nypd-reception-desk",
      "Let them in and show them around the school.",
      "contradicts-decision",
    ],
    [
      "letting them in",
      entry,
      "en",
      "nypd-reception-desk",
      "Nothing stops you from letting the agents in.",
      "contradicts-decision",
    ],
    [
      "allow entry",
      entry,
      "en",
      "city25-no-agents-without-warrant",
      "Employees should allow federal agents onto property.",
      "contradicts-decision",
    ],
    [
      "open the door",
      entry,
      "en",
      "city25-no-open-doors",
      "Workers should open the doors for federal agents.",
      "contradicts-decision",
    ],
    [
      "false negation",
      entry,
      "en",
      "nypd-reception-desk",
      "Don't hesitate to let them in past the reception desk.",
      "contradicts-decision",
    ],
    [
      "negation in another clause",
      entry,
      "en",
      "nypd-reception-desk",
      "Do not worry about the desk, just let them in.",
      "contradicts-decision",
    ],
    [
      "step aside without the safety condition",
      entry,
      "en",
      "city25-step-aside",
      "Workers step aside and allow federal agents to access the building.",
      "contradicts-decision",
    ],
    [
      "Spanish: déjelos entrar",
      entryEs,
      "es",
      "nypd-reception-desk",
      "Déjelos entrar a la escuela.",
      "contradicts-decision",
    ],
    [
      "Spanish: abra la puerta",
      entryEs,
      "es",
      "city25-no-open-doors",
      "Abra la puerta a los agentes federales.",
      "contradicts-decision",
    ],
    // contradicting a refusal to disclose or to cooperate
    [
      "give them the records",
      records,
      "en",
      "eo26-personal-data",
      "Give them the records they ask for.",
      "contradicts-decision",
    ],
    [
      "share",
      records,
      "en",
      "eo26-no-handover",
      "You can share the resident's address with ICE.",
      "contradicts-decision",
    ],
    ["Spanish: entregue", records, "es", "eo26-no-handover", "Entregue los datos a ICE.", "contradicts-decision"],
    [
      "cooperate with ICE",
      assist,
      "en",
      "ll228-no-voluntary-cooperation",
      "The City will cooperate with ICE on this.",
      "contradicts-decision",
    ],
    [
      "Spanish: coopera con ICE",
      assist,
      "es",
      "ll228-no-voluntary-cooperation",
      "La Ciudad coopera con ICE en este caso.",
      "contradicts-decision",
    ],
    [
      "help them",
      assist,
      "en",
      "ll228-reviewed-in-advance",
      "Staff should help the agents hold the man.",
      "contradicts-decision",
    ],
    // resistance, for any decision
    [
      "resist",
      records,
      "en",
      "eo26-personal-data",
      "Resist the officers if they insist on the data.",
      "urges-resistance",
    ],
    [
      "block them",
      entry,
      "en",
      "nypd-reception-desk",
      "Officers may not pass the desk, so block the door.",
      "urges-resistance",
    ],
    [
      "physically stop",
      entry,
      "en",
      "nypd-reception-desk",
      "Staff should physically stop officers at the desk.",
      "urges-resistance",
    ],
    [
      "fight",
      assist,
      "en",
      "ll228-reviewed-in-advance",
      "Fight any request from immigration officials.",
      "urges-resistance",
    ],
    [
      "Spanish: resista",
      entryEs,
      "es",
      "nypd-reception-desk",
      "Resista a los agentes en la recepción.",
      "urges-resistance",
    ],
    ["Spanish: bloquee", entryEs, "es", "nypd-reception-desk", "Bloquee la entrada de la escuela.", "urges-resistance"],
    // inventions
    [
      "a document type not in the inputs",
      entry,
      "en",
      "nypd-valid-warrant",
      "ICE needs a valid warrant or a subpoena to go onto school grounds.",
      "invented-document",
    ],
    [
      "an ICE form number not in the inputs",
      entry,
      "en",
      "nypd-valid-warrant",
      "An I-247 form does not let agents onto school grounds.",
      "invented-document",
    ],
    [
      "a search warrant where none was mentioned",
      entry,
      "en",
      "nypd-valid-warrant",
      "Only a search warrant lets ICE onto school grounds.",
      "invented-document",
    ],
    [
      "an agency not in the inputs",
      entry,
      "en",
      "nypd-reception-desk",
      "FBI agents may not go past a school's reception desk.",
      "invented-agency",
    ],
    [
      "an agency spelled out",
      entry,
      "en",
      "nypd-reception-desk",
      "Border Patrol officers may not go past a school's reception desk.",
      "invented-agency",
    ],
    [
      "an unknown acronym",
      entry,
      "en",
      "nypd-reception-desk",
      "Officers from the XYZ unit may not go past a school's reception desk.",
      "invented-agency",
    ],
    [
      "an invented date",
      entry,
      "en",
      "city25-schools-unchanged",
      "Since March 3, 2024, school policy has not changed.",
      "invented-date",
    ],
    [
      "an invented year",
      entry,
      "en",
      "city25-schools-unchanged",
      "School policy has not changed since 2019.",
      "invented-date",
    ],
    [
      "an invented weekday",
      entry,
      "en",
      "city25-schools-unchanged",
      "On Monday the chancellor said school policy has not changed.",
      "invented-date",
    ],
    [
      "Spanish: an invented month",
      entryEs,
      "es",
      "city25-schools-unchanged",
      "Desde julio la política escolar no ha cambiado.",
      "invented-date",
    ],
    [
      "an invented number",
      entry,
      "en",
      "nypd-reception-desk",
      "Officers must stay 50 feet from the reception desk.",
      "invented-number",
    ],
    [
      "an invented number in words",
      entry,
      "en",
      "nypd-reception-desk",
      "Three officers at most may wait at the reception desk.",
      "invented-number",
    ],
    [
      "an invented name",
      entry,
      "en",
      "city25-schools-unchanged",
      "Chancellor David Banks says school policy has not changed.",
      "invented-name",
    ],
  ])("%s", (_name, answer, language, citation, text, reason) => {
    expect(reasonFor(answer, language, citation, text)).toBe(reason);
  });

  it("allows the step-aside excerpt with its safety condition, in English and Spanish", () => {
    expect(
      reasonFor(
        entry,
        "en",
        "city25-step-aside",
        "If your safety is threatened, step aside and let the agents into the building.",
      ),
    ).toBe("ok");
    expect(
      reasonFor(
        entryEs,
        "es",
        "city25-step-aside",
        "Si su seguridad está amenazada, hágase a un lado y déjelos pasar.",
      ),
    ).toBe("ok");
  });

  it("allows sharing only with the legal condition the excerpt states", () => {
    expect(
      reasonFor(
        records,
        "en",
        "eo26-personal-data",
        "Personal data is shared with federal immigration authorities only when the law explicitly requires it.",
      ),
    ).toBe("ok");
    expect(
      reasonFor(records, "en", "eo26-personal-data", "Personal data is shared with federal immigration authorities."),
    ).toBe("contradicts-decision");
  });

  it("rejects letting agents in, handing over data or cooperating under any decision, unless the excerpt itself says so", () => {
    expect(reasonFor(assist, "en", "ll228-reviewed-in-advance", "Let them in and show them around.")).toBe(
      "contradicts-decision",
    );
    expect(reasonFor(entry, "en", "nypd-reception-desk", "Give them the records they ask for.")).toBe(
      "contradicts-decision",
    );
    expect(reasonFor(entry, "en", "nypd-reception-desk", "Staff should cooperate with the agents.")).toBe(
      "contradicts-decision",
    );
    const detainer = ask(DETAINER_REQUEST);
    const taskForce = ask(TASK_FORCE_REQUEST);
    expect([detainer.decision, taskForce.decision]).toEqual(["DETAINER_LIMITED", "TASK_FORCE_PERMITTED"]);
    expect(
      reasonFor(
        detainer,
        "en",
        "ll228-detainers",
        "The City shares information about people in its criminal custody who were convicted of one of approximately 170 qualifying violent or serious felonies.",
      ),
    ).toBe("ok");
    expect(
      reasonFor(
        taskForce,
        "en",
        "ll228-task-forces",
        "City agencies, including the NYPD, continue to cooperate with federal law enforcement in criminal task forces on gangs, human trafficking and terrorism.",
      ),
    ).toBe("ok");
    // ...but not where the excerpt does not: the same words on another citation are rejected.
    expect(reasonFor(detainer, "en", "ll228-reviewed-in-advance", "Share the information with ICE.")).toBe(
      "contradicts-decision",
    );
  });

  it("allows names, dates and numbers that are in the inputs", () => {
    expect(
      reasonFor(
        entry,
        "en",
        "city25-schools-unchanged",
        "Schools Chancellor Melissa Aviles-Ramos said on 2025-02-10 that school policy had not changed.",
      ),
    ).toBe("ok");
    expect(
      reasonFor(
        entry,
        "en",
        "city25-schools-unchanged",
        "In February 2025 the Schools Chancellor said school policy had not changed.",
      ),
    ).toBe("ok");
    expect(
      reasonFor(
        entryEs,
        "es",
        "city25-schools-unchanged",
        "En febrero de 2025 la canciller dijo que la política escolar no había cambiado.",
      ),
    ).toBe("ok");
  });

  it("rejects a citation id it was not given, a dropped citation and a repeated one", () => {
    const input = buildPhrasingInput(entry, "en");
    const good = allGood(entry, "en");
    const unknown = checkPhrasing(
      input,
      [...good, { citation: "eo26-no-entry-2", text: "Agents may not enter." }],
      OPTIONS,
    );
    expect(unknown).toMatchObject({
      ok: false,
      violations: [{ reason: "unknown-citation", citation: "eo26-no-entry-2" }],
    });
    const dropped = checkPhrasing(input, good.slice(1), OPTIONS);
    expect(dropped).toMatchObject({
      ok: false,
      violations: [{ reason: "missing-citation", citation: good[0]!.citation }],
    });
    const repeated = checkPhrasing(input, [...good, good[0]!], OPTIONS);
    expect(repeated).toMatchObject({ ok: false, violations: [{ reason: "duplicate-citation" }] });
  });

  it("reports every broken sentence, most serious first, and names no model text in `term`", () => {
    const proposed = allGood(entry, "en").map((p, i) =>
      i === 0 ? { ...p, text: "Chancellor Banks agrees." } : i === 1 ? { ...p, text: "Let them in." } : p,
    );
    const result = checkPhrasing(buildPhrasingInput(entry, "en"), proposed, OPTIONS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.violations.map((v) => v.reason)).toEqual(["contradicts-decision", "invented-name"]);
    expect(result.violations[0]!.term).toBe("let-in");
    expect(result.violations[1]!.term).toBeUndefined();
  });
});
