/**
 * The card renderers as pure functions: every decision renders to a valid version 1.5 card
 * under 80 KB, quotes verbatim, the decision on the first line, and oversized quotes shortened
 * rather than a card Teams would refuse.
 */
import { describe, expect, it } from "vitest";
import { answerCard, caseCard, MAX_CARD_BYTES } from "../../../src/channels/teams/cards.js";
import { stateOf } from "../../../src/channels/teams/submit.js";
import { applyPhrasing } from "../../../src/phrasing/index.js";
import { DECISIONS } from "../../../src/policy/vocabulary.js";
import type { CaseView } from "../../../src/escalation/types.js";
import { cardText, validateCard } from "../../fakes/bot-connector.js";
import { answer as fixtureAnswer } from "../../escalation/fixtures.js";
import { ask, TODAY } from "../../support/answers.js";

const QUESTIONS = [
  "ICE agents are at the front desk of my school without a warrant",
  "ICE has a warrant signed by a judge and wants to enter the shelter",
  "Immigration officers want our list of shelter residents",
  "ICE asked us to help with an arrest outside the precinct",
  "Agents are forcing their way into the office and I feel unsafe",
  "ICE wants us to sign a 287(g) agreement",
  "Where can a parent find Know Your Rights information?",
  "What is the weather tomorrow?",
  "What was the rule in June 2016 when ICE came to a school?",
  "ICE agents are on the sidewalk outside the school",
];

describe("answer cards", () => {
  it("renders a valid 1.5 card under 80 KB for answers across the decisions, decision first, quotes verbatim", () => {
    const seen = new Set<string>();
    for (const q of QUESTIONS) {
      const answer = ask(q);
      seen.add(answer.decision);
      const { card, text } = answerCard({ view: applyPhrasing(answer), state: stateOf(answer, TODAY) });
      expect(validateCard(card), q).toEqual([]);
      expect(card.version).toBe("1.5");
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(MAX_CARD_BYTES);
      expect(text).toBe(answer.headline);
      const lines = cardText(card as never).split("\n");
      expect(lines[0]).toBe(answer.headline);
      for (const c of answer.citations) expect(lines).toContain(`“${c.quote}”`);
    }
    expect(seen.size).toBeGreaterThanOrEqual(8);
    expect(DECISIONS.length).toBe(14);
  });

  it("shortens enormous quotes to stay under the size Teams accepts", () => {
    const big = fixtureAnswer();
    big.citations = Array.from({ length: 60 }, (_, i) => ({
      id: `c${i}`,
      source: "mamdani-eo-2026",
      title: "Executive order",
      date: "2026",
      quote: `${"word ".repeat(400)}${i}`,
    }));
    big.stepCitations = big.steps.map(() => big.citations.map((_, i) => i));
    const { card } = answerCard({ view: applyPhrasing(big), state: stateOf(big, TODAY) });
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(validateCard(card)).toEqual([]);
  });

  it("shows the phrased summary next to the verbatim quote, labelled", () => {
    const answer = ask("ICE agents are at the front desk of my school without a warrant");
    const c = answer.citations[0]!;
    const view = applyPhrasing(answer, {
      status: "ok",
      language: "en",
      sentences: { [c.id]: "In short: no warrant from a judge, no entry." },
      promptVersion: "test",
    } as never);
    const text = cardText(answerCard({ view, state: stateOf(answer, TODAY) }).card as never);
    expect(text).toContain(`“${c.quote}”`);
    expect(text).toContain("Plain-language summary: In short: no warrant from a judge, no entry.");
  });
});

describe("case cards", () => {
  const base: CaseView = {
    id: "00000000-0000-4000-8000-000000000001",
    ref: "ICE-2026-0001",
    status: "open",
    queue: "doe-legal",
    urgent: true,
    decision: "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    headline: "They may not go past the reception desk without a court warrant.",
    asOf: "2026-11-22",
    facts: fixtureAnswer().facts,
    steps: ["Ask them to wait outside."],
    contacts: ["the principal"],
    citations: [{ source: "mamdani-eo-2026", title: "Executive order", date: "2026", quote: "no entry" }],
    questionExcerpt: null,
    asker: { platform: "teams", userId: "11111111-1111-4111-8111-111111111111", role: "doe" },
    owner: null,
    outcome: null,
    note: null,
    flaggedForPolicy: false,
    version: 1,
    createdAt: "2026-11-22T15:00:00.000Z",
    updatedAt: "2026-11-22T15:00:00.000Z",
    lastActivityAt: "2026-11-22T15:00:00.000Z",
    claimedAt: null,
    resolvedAt: null,
    cancelledAt: null,
  };

  it("offers the actions each status allows", () => {
    const titles = (c: CaseView) => {
      const card = caseCard(c).card;
      expect(validateCard(card)).toEqual([]);
      return (card.actions ?? []).map((a) => a.title);
    };
    expect(titles(base)).toEqual(["Claim", "Message the employee", "Resolve"]);
    const owner = { platform: "teams", userId: "00000000-0000-4000-8000-00000000aaaa" };
    expect(titles({ ...base, status: "claimed", owner })).toEqual(["Message the employee", "Resolve"]);
    expect(titles({ ...base, status: "resolved", owner, outcome: "advised" })).toEqual(["Reopen"]);
    expect(cardText(caseCard(base).card as never)).toContain("URGENT · Case ICE-2026-0001 · doe-legal");
  });
});
