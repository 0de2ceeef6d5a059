/**
 * Deterministic answer first: what Slack and Teams will call. The rules' answer is ready at
 * once whatever the model does; checked phrasing updates it in place within the budget, or
 * never.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PhrasedView } from "../../src/phrasing/apply.js";
import { deliverAnswer, type Phraser } from "../../src/phrasing/deliver.js";
import { createPhrasingService } from "../../src/phrasing/service.js";
import { behaviours, startFakeOpenAI, type FakeOpenAI, type Script } from "../fakes/openai-server.js";
import { goodSentence } from "./fixtures.js";
import { SCHOOL_ENTRY, ask } from "./helpers.js";

let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function phrasingWith(script: Script, budgetMs = 2000) {
  fake = await startFakeOpenAI(script);
  return createPhrasingService(
    { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: "test", PHRASING_BUDGET_MS: String(budgetMs) },
    { logger: { warn: () => undefined } },
  );
}

const answer = ask(SCHOOL_ENTRY);
const options = { language: answer.language, question: SCHOOL_ENTRY };

describe("deliverAnswer", () => {
  it("with no model: the template at once, and no update ever", async () => {
    const update = vi.fn();
    const delivery = deliverAnswer(answer, undefined, options);
    expect(delivery.first.phrasing).toEqual({ status: "template" });
    expect(delivery.first.answer).toBe(answer);
    expect(await delivery.onPhrased(update)).toEqual({ updated: false });
    expect(update).not.toHaveBeenCalled();
    const off = deliverAnswer(answer, createPhrasingService({}, { logger: { warn: () => undefined } }), options);
    expect(await off.result).toEqual({ status: "fallback", reason: "not-configured" });
  });

  it("a slow model does not delay the first answer; its checked phrasing updates it in place", async () => {
    const phrasing = await phrasingWith(behaviours.slow(300, behaviours.good(goodSentence)));
    const started = performance.now();
    const delivery = deliverAnswer(answer, phrasing, options);
    const firstAt = performance.now() - started;
    expect(firstAt).toBeLessThan(50);
    expect(delivery.first.phrasing.status).toBe("template");
    expect(delivery.first.citations.every((c) => c.summary === undefined)).toBe(true);

    const updates: { view: PhrasedView; at: number }[] = [];
    const outcome = await delivery.onPhrased((view) => {
      updates.push({ view, at: performance.now() - started });
    });
    expect(outcome).toEqual({ updated: true });
    expect(updates).toHaveLength(1);
    expect(updates[0]!.at).toBeGreaterThanOrEqual(250);
    const view = updates[0]!.view;
    expect(view.phrasing.status).toBe("phrased");
    expect(view.answer).toBe(answer);
    expect(view.citations.map((c) => c.summary?.text)).toEqual(answer.citations.map((c) => goodSentence(c.id, "en")));
  });

  it("phrasing past the budget is dropped: no update", async () => {
    const phrasing = await phrasingWith(behaviours.slow(3000, behaviours.good(goodSentence)), 300);
    const update = vi.fn();
    const started = performance.now();
    const delivery = deliverAnswer(answer, phrasing, options);
    expect(await delivery.onPhrased(update)).toEqual({ updated: false });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(update).not.toHaveBeenCalled();
    expect(await delivery.result).toEqual({ status: "fallback", reason: "timeout" });
  });

  it("rejected phrasing: no update, the template stands", async () => {
    const phrasing = await phrasingWith(behaviours.letThemIn(goodSentence));
    const update = vi.fn();
    const delivery = deliverAnswer(answer, phrasing, options);
    expect(await delivery.onPhrased(update)).toEqual({ updated: false });
    expect(update).not.toHaveBeenCalled();
  });

  it("a cached situation is phrased in the first message, with no second call", async () => {
    const phrasing = await phrasingWith(behaviours.good(goodSentence));
    await deliverAnswer(answer, phrasing, options).result;
    const again = deliverAnswer(ask(SCHOOL_ENTRY), phrasing, options);
    expect(again.first.phrasing.status).toBe("phrased");
    const update = vi.fn();
    expect(await again.onPhrased(update)).toEqual({ updated: false });
    expect(update).not.toHaveBeenCalled();
    expect(fake!.calls).toBe(1);
  });

  it("updates once however often onPhrased is called, and reports a failing update without throwing", async () => {
    const phrasing = await phrasingWith(behaviours.good(goodSentence));
    const delivery = deliverAnswer(answer, phrasing, options);
    const failing = vi.fn(() => Promise.reject(new Error("chat.update failed")));
    const [first, second] = await Promise.all([delivery.onPhrased(failing), delivery.onPhrased(failing)]);
    expect(failing).toHaveBeenCalledTimes(1);
    expect([first.updated, second.updated]).toEqual([false, false]);
    expect([first, second].some((o) => o.error instanceof Error)).toBe(true);
  });

  it("a phraser that throws is a fallback, not a crash", async () => {
    const broken: Phraser = {
      enabled: true,
      phrase: () => Promise.reject(new Error("boom")),
      peek: () => {
        throw new Error("boom");
      },
    };
    const delivery = deliverAnswer(answer, broken, options);
    expect(delivery.first.phrasing.status).toBe("template");
    expect(await delivery.result).toEqual({ status: "fallback", reason: "internal-error" });
  });
});
