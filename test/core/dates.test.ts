/**
 * Dated answers: a row applies only when a source it cites is in force on the as-of date,
 * and an answer about a past day quotes only what was in force that day. The as-of date is
 * today (pinned), a date the asker chose, or a date written in the question.
 */
import { describe, expect, it } from "vitest";
import type { Answer } from "../../src/core/decide.js";
import { findDateInText, isIsoDate } from "../../src/core/dates.js";
import { compileLexicon } from "../../src/core/text.js";
import type { Decision, Facts } from "../../src/policy/vocabulary.js";
import { TODAY, allFacts, answerProblems, ask, citationsNotInForce, pack } from "../support/answers.js";

const onDate = (facts: Partial<Facts>, date: string) => ask("What should I do?", { overrides: allFacts(facts), date });
const sourcesOf = (a: Answer) => [...new Set(a.citations.map((c) => c.source))].sort();

const SCHOOL_ENTRY: Partial<Facts> = {
  role: "doe",
  place: "school",
  area: "public",
  requester: "immigration",
  request: "entry",
  document: "none",
};
const SHELTER_ENTRY: Partial<Facts> = {
  role: "social-services",
  place: "shelter-or-social-services",
  area: "public",
  requester: "immigration",
  request: "entry",
  document: "none",
};

describe("before 2017-03-21 nothing in the corpus is in force", () => {
  it.each(["2017-03-20", "2016-06-15", "2001-09-11"])("as of %s: NO_POLICY_IN_FORCE, quoting nothing", (date) => {
    for (const facts of [SCHOOL_ENTRY, SHELTER_ENTRY, { requester: "immigration", request: "agreement" } as const]) {
      const answer = onDate(facts, date);
      expect(answer.decision).toBe("NO_POLICY_IN_FORCE");
      expect(answer.citations).toEqual([]);
      expect(answer.inForce).toEqual([]);
      expect(answer.notes.join(" ")).toMatch(`None of the policy sources was in force on ${date}`);
    }
  });

  it("from 2017-03-21 the DOE school protocol applies", () => {
    expect(onDate(SCHOOL_ENTRY, "2017-03-21").decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
  });
});

describe("entry without a judge's warrant", () => {
  it("at a school on 2017-03-21: denied, on the DOE protocol alone (the only source in force)", () => {
    const answer = onDate(SCHOOL_ENTRY, "2017-03-21");
    expect(answer.decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
    expect(sourcesOf(answer)).toEqual(["doe-schools-2017"]);
    expect(answer.inForce).toEqual(["doe-schools-2017"]);
  });

  it("at a school from 2017-03-28 the NYPD reception-desk directive joins it", () => {
    const answer = onDate(SCHOOL_ENTRY, "2017-03-28");
    expect(sourcesOf(answer)).toEqual(["doe-schools-2017", "nypd-schools-directive-2017"]);
  });

  it.each(["2017-03-21", "2019-06-01", "2025-02-10", "2025-12-31"])(
    "elsewhere on %s (before the 2026 order): no source covers it, so UNCOVERED_ESCALATE",
    (date) => {
      for (const place of ["shelter-or-social-services", "hospital", "city-office"] as const) {
        const answer = onDate({ ...SHELTER_ENTRY, place }, date);
        expect(answer.decision).toBe("UNCOVERED_ESCALATE");
        expect(answer.escalate.required).toBe(true);
        expect(sourcesOf(answer)).not.toContain("mamdani-eo-2026");
      }
    },
  );

  it("elsewhere from 2026-01-01: denied on the 2026 order, and the answer says the day is approximate", () => {
    const answer = onDate(SHELTER_ENTRY, "2026-01-01");
    expect(answer.decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
    expect(sourcesOf(answer)).toContain("mamdani-eo-2026");
    expect(answer.notes.join(" ")).toMatch(/gives only the year 2026.*approximate/);
  });

  it("with a judge's warrant elsewhere before 2026: no row 11 either", () => {
    expect(onDate({ ...SHELTER_ENTRY, document: "judicial-warrant" }, "2025-06-01").decision).toBe(
      "UNCOVERED_ESCALATE",
    );
    expect(onDate({ ...SHELTER_ENTRY, document: "judicial-warrant" }, "2026-06-01").decision).toBe(
      "ENTRY_JUDICIAL_WARRANT_REVIEW",
    );
  });
});

describe("row 5 (safety) rests on the February 2025 guidance", () => {
  const THREAT: Partial<Facts> = { ...SHELTER_ENTRY, place: "hospital", role: "health", pressure: "force-or-threat" };

  it("does not apply on 2025-02-09", () => {
    const answer = onDate(THREAT, "2025-02-09");
    expect(answer.decision).not.toBe("SAFETY_DO_NOT_OBSTRUCT");
    expect(sourcesOf(answer)).not.toContain("city-agencies-2025");
    // Threats still make it urgent, on the Local Law 228 guidance then in force.
    expect(answer.escalate).toMatchObject({ required: true, urgent: true });
  });

  it("applies from 2025-02-10, at schools and elsewhere", () => {
    expect(onDate(THREAT, "2025-02-10").decision).toBe("SAFETY_DO_NOT_OBSTRUCT");
    expect(onDate({ ...SCHOOL_ENTRY, pressure: "force-or-threat" }, "2025-02-10").decision).toBe(
      "SAFETY_DO_NOT_OBSTRUCT",
    );
  });

  it("a school under threat on 2025-02-09 stays denied entry, urgently", () => {
    const answer = onDate({ ...SCHOOL_ENTRY, pressure: "force-or-threat" }, "2025-02-09");
    expect(answer.decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
    expect(answer.escalate.urgent).toBe(true);
  });

  it("from 2026 says the step-aside line is 2025 guidance the 2026 order does not restate", () => {
    const note = /February 2025 guidance; the 2026 executive order does not restate it/;
    expect(onDate(THREAT, "2026-03-01").steps.join(" ")).toMatch(note);
    expect(onDate(THREAT, "2025-06-01").steps.join(" ")).not.toMatch(note);
  });
});

describe("the Local Law 228 rows apply from 2018-01-31", () => {
  const LL228: [Decision, Partial<Facts>][] = [
    ["AGREEMENT_PROHIBITED", { role: "nypd", requester: "immigration", request: "agreement" }],
    ["TASK_FORCE_PERMITTED", { role: "nypd", requester: "federal-law-enforcement", request: "task-force" }],
    ["NYPD_ASSIST_EMERGENCY", { role: "nypd", requester: "immigration", request: "assistance", pressure: "emergency" }],
    ["NYPD_ASSIST_DUTY_CHIEF", { role: "nypd", requester: "immigration", request: "assistance" }],
    [
      "DETAINER_LIMITED",
      { role: "corrections", place: "jail-or-custody", requester: "immigration", request: "detainer" },
    ],
    ["ASSIST_NO_VOLUNTARY_COOPERATION", { role: "health", requester: "immigration", request: "assistance" }],
  ];

  it.each(LL228)("%s: not on 2018-01-30, yes on 2018-01-31", (decision, facts) => {
    const before = onDate(facts, "2018-01-30");
    expect(before.decision).toBe("UNCOVERED_ESCALATE");
    expect(sourcesOf(before)).toEqual([]);
    const from = onDate(facts, "2018-01-31");
    expect(from.decision).toBe(decision);
    expect(sourcesOf(from)).toEqual(["ll228-guidance-2018"]);
  });

  it("information requests: at schools from 2017 (DOE), NYPD from 2018, elsewhere only from 2026", () => {
    const info = { requester: "immigration", request: "information" } as const;
    expect(onDate({ ...info, role: "doe", place: "school" }, "2017-03-21").decision).toBe("INFO_DO_NOT_DISCLOSE");
    expect(onDate({ ...info, role: "nypd", place: "police-facility" }, "2018-01-30").decision).toBe(
      "UNCOVERED_ESCALATE",
    );
    expect(onDate({ ...info, role: "nypd", place: "police-facility" }, "2018-01-31").decision).toBe(
      "INFO_DO_NOT_DISCLOSE",
    );
    expect(onDate({ ...info, role: "health", place: "hospital" }, "2025-12-31").decision).toBe("UNCOVERED_ESCALATE");
    expect(onDate({ ...info, role: "health", place: "hospital" }, "2026-01-01").decision).toBe("INFO_DO_NOT_DISCLOSE");
  });
});

describe("an answer about a day quotes only what was in force that day", () => {
  const DATES = [
    "2017-03-21",
    "2017-03-27",
    "2017-03-28",
    "2018-01-30",
    "2018-01-31",
    "2025-02-09",
    "2025-02-10",
    "2025-12-31",
    "2026-01-01",
    TODAY,
  ];
  const QUESTIONS = [
    "ICE agents are at the front desk of my school asking to come in. They don't have a warrant.",
    "ICE is in our shelter lobby with a warrant signed by a judge",
    "ICE agents are forcing their way into our clinic and threatening to arrest me",
    "ICE wants our attendance records for a student",
    "I'm a police officer. ICE asked my precinct to help them arrest a man on our block.",
    "A parent asked me where to find know your rights flyers and a free immigration lawyer",
    "ICE wants to deputize our officers under 287(g)",
    "ICE sent a detainer for an inmate at Rikers",
  ];

  it.each(DATES)("as of %s", (date) => {
    const inForce = pack.sources.filter((s) => s.inForceFrom <= date).map((s) => s.id);
    for (const q of QUESTIONS) {
      const answer = ask(q, { date });
      expect(answer.asOf).toBe(date);
      expect(answer.inForce).toEqual(inForce);
      expect(citationsNotInForce(answer), q).toEqual([]);
      expect(answerProblems(answer, { checkQuotes: false }), q).toEqual([]);
    }
  });

  it("a past date lists the sources in force then", () => {
    const answer = ask("ICE is in our shelter lobby without a warrant", { date: "2019-05-01" });
    expect(answer.notes.join(" ")).toMatch(/Sources in force on 2019-05-01: DOE protocol.*Local Law 228/);
    expect(answer.notes.join(" ")).not.toMatch(/Mamdani/);
  });
});

describe("where the as-of date comes from", () => {
  it("today, by default", () => {
    expect(ask("ICE is at the front desk of my school").asOf).toBe(TODAY);
  });

  it("a date written in the question", () => {
    const answer = ask("what was the rule in June 2016 if ICE came to a school without a warrant");
    expect(answer.asOf).toBe("2016-06-15");
    expect(answer.decision).toBe("NO_POLICY_IN_FORCE");
    expect(answer.notes.join(" ")).toMatch(/I read "june 2016" in your question as 2016-06-15/);
  });

  it.each([
    ["ICE came to my school on March 21, 2017 without a warrant. What was the rule that day?", "2017-03-21"],
    ["el 21 de marzo de 2017 la migra vino a la escuela sin orden judicial", "2017-03-21"],
    ["In 2019 ICE came to our shelter lobby without a warrant, what was the rule?", "2019-07-01"],
    ["Back in summer 2025 ICE agents forced their way into our clinic. What was the rule then?", "2025-07-15"],
    ["what was the rule on 2025-12-31 if ICE came to our shelter lobby", "2025-12-31"],
  ])("%s -> %s", (q, date) => {
    expect(ask(q).asOf).toBe(date);
  });

  it("an explicit date option wins over a date in the question", () => {
    const answer = ask("what was the rule in June 2016 if ICE came to a school without a warrant", {
      date: "2026-03-01",
    });
    expect(answer.asOf).toBe("2026-03-01");
    expect(answer.decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
  });

  it("a past year mentioned in passing does not move a 'right now' question into the past", () => {
    const answer = ask("ICE is at my school right now without a warrant; last time in 2016 we let them in");
    expect(answer.asOf).toBe(TODAY);
    expect(answer.decision).toBe("ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT");
  });

  it("a date after today in the question is not an as-of date", () => {
    expect(ask("ICE said they will come back to our shelter lobby on 2027-01-05").asOf).toBe(TODAY);
  });

  it("a birth date is not an as-of date", () => {
    expect(ask("ICE wants the address of a student born June 3, 2012", { role: "doe" }).asOf).toBe(TODAY);
  });
});

describe("dates.ts", () => {
  const lex = compileLexicon(pack.lexicon);
  it("isIsoDate accepts only real calendar dates", () => {
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2025-02-29")).toBe(false);
    expect(isIsoDate("2025-2-9")).toBe(false);
  });

  it("reads numeric, month-name, Spanish, season and bare-year dates, marking the approximate ones", () => {
    expect(findDateInText("on 3/28/2017 ICE came", lex)).toMatchObject({ date: "2017-03-28", approximate: false });
    expect(findDateInText("early 2026", lex)).toMatchObject({ date: "2026-02-15", approximate: true });
    expect(findDateInText("en junio de 2016", lex)).toMatchObject({ date: "2016-06-15", approximate: true });
    expect(findDateInText("at PS 2017 yesterday", lex)).toBeUndefined();
    expect(findDateInText("form I-2019 was shown", lex)).toBeUndefined();
  });
});
