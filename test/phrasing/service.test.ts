/**
 * The phrasing service against a local fake OpenAI-compatible server: accepted phrasing,
 * every rejection and failure falling back to the template, the time budget, bounded
 * retries, the cache, languages, Azure, and no model at all.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyPhrasing } from "../../src/phrasing/apply.js";
import { loadPhrasingConfig, type Env } from "../../src/phrasing/config.js";
import {
  createPhrasingService,
  loadPrompt,
  PhrasingService,
  type FallbackReason,
  type PhrasingLogger,
} from "../../src/phrasing/service.js";
import { behaviours, startFakeOpenAI, type FakeOpenAI, type Script } from "../fakes/openai-server.js";
import { GOOD_EN, GOOD_ES, goodSentence } from "./fixtures.js";
import { RECORDS_REQUEST, SCHOOL_ENTRY, SCHOOL_ENTRY_ES, ask } from "./helpers.js";

let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  vi.restoreAllMocks();
});

interface Logged {
  event: string;
  fields: Record<string, unknown>;
}

function captureLogger(): PhrasingLogger & { lines: Logged[] } {
  const lines: Logged[] = [];
  return { lines, warn: (event, fields) => lines.push({ event, fields }) };
}

async function serviceWith(script: Script, env: Env = {}) {
  fake = await startFakeOpenAI(script);
  const logger = captureLogger();
  const service = createPhrasingService(
    { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: "test-key", OPENAI_MODEL: "fake-model", ...env },
    { logger },
  );
  return { service, logger, fake };
}

const entry = ask(SCHOOL_ENTRY);

describe("with no model configured", () => {
  it("returns fallback 'not-configured' at once and makes no network call", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const service = createPhrasingService({}, { logger: captureLogger() });
    expect(service.enabled).toBe(false);
    const started = performance.now();
    const result = await service.phrase(entry, { language: "en", question: SCHOOL_ENTRY });
    expect(performance.now() - started).toBeLessThan(50);
    expect(result).toEqual({ status: "fallback", reason: "not-configured" });
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(service.stats()).toMatchObject({ requests: 1, calls: 0, attempts: 0, fallbacks: { total: 1 } });
    // The template: the rules' answer, every quote, no summaries.
    const view = applyPhrasing(entry, result);
    expect(view.answer).toBe(entry);
    expect(view.citations.map((c) => c.sourceText.text)).toEqual(entry.citations.map((c) => c.quote));
    expect(view.citations.every((c) => c.summary === undefined)).toBe(true);
  });
});

describe("good phrasing", () => {
  it("is accepted and applied next to the verbatim quotes", async () => {
    const { service, fake } = await serviceWith(behaviours.good(goodSentence));
    const result = await service.phrase(entry, { language: "en", question: SCHOOL_ENTRY });
    expect(result).toMatchObject({ status: "ok", language: "en", promptVersion: "phrase-citations.v1", cached: false });
    if (result.status !== "ok") return;
    expect(result.sentences).toEqual(Object.fromEntries(entry.citations.map((c) => [c.id, GOOD_EN[c.id]])));

    const view = applyPhrasing(entry, result);
    expect(view.phrasing).toEqual({ status: "phrased", language: "en", promptVersion: "phrase-citations.v1" });
    for (const [i, c] of view.citations.entries()) {
      expect(c.summary).toEqual({ label: "Plain-language summary", text: GOOD_EN[c.id], language: "en" });
      expect(c.sourceText).toEqual({
        label: "Source text (verbatim, in English)",
        text: entry.citations[i]!.quote,
        language: "en",
      });
    }
    expect(fake.calls).toBe(1);
  });

  it("asks with structured output, the reviewed prompt, and only the decision, steps and citations", async () => {
    const { service, fake } = await serviceWith(behaviours.good(goodSentence));
    await service.phrase(entry, { language: "en", question: "My name is Maria Lopez. " + SCHOOL_ENTRY });
    const request = fake.requests[0]!;
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer test-key");
    expect(request.body!.model).toBe("fake-model");
    expect(request.body!.messages[0]).toEqual({ role: "system", content: loadPrompt().text });
    const format = request.body!.response_format!;
    expect(format.type).toBe("json_schema");
    expect(format.json_schema).toMatchObject({ name: "citation_sentences", strict: true });
    expect(JSON.stringify(format.json_schema!.schema)).toContain(JSON.stringify(entry.citations.map((c) => c.id)));

    const view = fake.lastView()!;
    expect(Object.keys(view).sort()).toEqual(
      ["citations", "decision", "headline", "language", "language_name", "steps"].sort(),
    );
    expect(view.decision).toBe(entry.decision);
    expect(view.steps.map((s) => s.text)).toEqual(entry.steps);
    expect(view.citations).toEqual(entry.citations.map(({ id, source, date, quote }) => ({ id, source, date, quote })));
    // The question (and the name in it) never left: including it is off by default.
    expect(JSON.stringify(request.body)).not.toContain("Maria");
  });

  it("sends the question for tone only when PHRASING_INCLUDE_QUESTION is on", async () => {
    const { service, fake } = await serviceWith(behaviours.good(goodSentence), { PHRASING_INCLUDE_QUESTION: "true" });
    await service.phrase(entry, { language: "en", question: SCHOOL_ENTRY });
    expect(fake.lastView()!.question).toBe(SCHOOL_ENTRY);
  });
});

describe("each rejection or failure falls back to the template wording, with its reason", () => {
  it.each<[string, Script, FallbackReason]>([
    ["wrong citation id", behaviours.wrongCitationId(goodSentence), "unknown-citation"],
    ["a dropped citation", behaviours.droppedCitation(goodSentence), "missing-citation"],
    ["an invented date", behaviours.inventedDate(goodSentence), "invented-date"],
    ['"let them in"', behaviours.letThemIn(goodSentence), "contradicts-decision"],
    ["a link", behaviours.link(goodSentence), "link"],
    ["too long", behaviours.tooLong(goodSentence), "too-long"],
    ["malformed JSON", behaviours.malformed(), "malformed"],
    ["prose instead of JSON", behaviours.prose(), "malformed"],
    ["a refusal", behaviours.refusal(), "refused"],
    ["JSON of the wrong shape", () => ({ kind: "content", content: '{"sentences": "all fine"}' }), "schema"],
    ["a 400 from the server", behaviours.always(400), "upstream-error"],
  ])("%s", async (_name, script, reason) => {
    const question = "I'm Maria Lopez at PS 123, call me at 718-555-0199. " + SCHOOL_ENTRY;
    const { service, logger } = await serviceWith(script, { PHRASING_INCLUDE_QUESTION: "true" });
    const result = await service.phrase(entry, { language: "en", question });
    expect(result).toMatchObject({ status: "fallback", reason });

    const view = applyPhrasing(entry, result);
    expect(view.phrasing).toEqual({ status: "template", reason });
    expect(view.citations.every((c) => c.summary === undefined)).toBe(true);
    expect(view.citations.map((c) => c.sourceText.text)).toEqual(entry.citations.map((c) => c.quote));

    // The reason is logged; nothing from the question or the model's text is.
    const logged = logger.lines.find((l) => l.fields.reason === reason);
    expect(logged).toBeDefined();
    const all = JSON.stringify(logger.lines);
    for (const secret of ["Maria", "Lopez", "555", "PS 123", "let them in", "example.org", "-2"]) {
      expect(all.toLowerCase()).not.toContain(secret.toLowerCase());
    }

    const stats = service.stats();
    expect(stats.fallbacks.byReason[reason]).toBe(1);
    expect(stats.ok).toBe(0);
  });

  it("counts checker rejections by reason", async () => {
    const { service, fake } = await serviceWith(behaviours.letThemIn(goodSentence));
    await service.phrase(entry, { language: "en" });
    fake.script(behaviours.link(goodSentence));
    await service.phrase(ask(RECORDS_REQUEST), { language: "en" });
    expect(service.stats().rejections).toEqual({
      total: 2,
      byReason: { "contradicts-decision": 1, link: 1 },
    });
  });
});

describe("time budget and retries", () => {
  it("a slow model falls back within the budget", async () => {
    const { service, fake } = await serviceWith(behaviours.slow(5000, behaviours.good(goodSentence)), {
      PHRASING_BUDGET_MS: "400",
    });
    const started = performance.now();
    const result = await service.phrase(entry, { language: "en" });
    const elapsed = performance.now() - started;
    expect(result).toEqual({ status: "fallback", reason: "timeout" });
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(1500);
    expect(fake.calls).toBe(1);
  });

  it("a model that never answers falls back within the budget", async () => {
    const { service } = await serviceWith(behaviours.hang(), { PHRASING_BUDGET_MS: "300" });
    const started = performance.now();
    expect(await service.phrase(entry, { language: "en" })).toEqual({ status: "fallback", reason: "timeout" });
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("a slow model that answers within the budget is accepted", async () => {
    const { service } = await serviceWith(behaviours.slow(200, behaviours.good(goodSentence)), {
      PHRASING_BUDGET_MS: "3000",
    });
    expect(await service.phrase(entry, { language: "en" })).toMatchObject({ status: "ok" });
  });

  it("retries a 429 and then succeeds", async () => {
    const { service, fake } = await serviceWith(
      behaviours.failThen(429, 1, behaviours.good(goodSentence), { "retry-after-ms": "20" }),
    );
    expect(await service.phrase(entry, { language: "en" })).toMatchObject({ status: "ok" });
    expect(fake.calls).toBe(2);
    expect(service.stats()).toMatchObject({ calls: 1, attempts: 2, ok: 1 });
  });

  it("retries a 500 and then succeeds, with the client's own backoff", async () => {
    const { service, fake } = await serviceWith(behaviours.failThen(500, 1, behaviours.good(goodSentence)));
    const started = performance.now();
    expect(await service.phrase(entry, { language: "en" })).toMatchObject({ status: "ok" });
    expect(fake.calls).toBe(2);
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it("gives up on a server that always answers 500 after the configured retries, within the budget", async () => {
    const { service, fake } = await serviceWith(behaviours.always(500), { PHRASING_MAX_RETRIES: "2" });
    const started = performance.now();
    expect(await service.phrase(entry, { language: "en" })).toEqual({ status: "fallback", reason: "upstream-error" });
    expect(fake.calls).toBe(3);
    expect(performance.now() - started).toBeLessThan(4000 + 500);
  });

  it("does not wait out a long Retry-After past the budget", async () => {
    const { service, fake } = await serviceWith(behaviours.always(429, { "retry-after": "30" }), {
      PHRASING_BUDGET_MS: "500",
    });
    const started = performance.now();
    expect(await service.phrase(entry, { language: "en" })).toEqual({ status: "fallback", reason: "timeout" });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(fake.calls).toBe(1);
  });

  it("reports rate limiting once retries are spent", async () => {
    const { service, fake } = await serviceWith(behaviours.always(429, { "retry-after-ms": "10" }), {
      PHRASING_MAX_RETRIES: "1",
    });
    expect(await service.phrase(entry, { language: "en" })).toEqual({ status: "fallback", reason: "rate-limited" });
    expect(fake.calls).toBe(2);
  });
});

describe("cache", () => {
  it("a repeated situation costs no second model call", async () => {
    const { service, fake } = await serviceWith(behaviours.good(goodSentence));
    const first = await service.phrase(entry, { language: "en" });
    // Another employee, other words, the same situation.
    const again = ask("There are ICE agents at the front desk of my school asking to come in, no warrant shown.");
    expect(again.citations).toEqual(entry.citations);
    const second = await service.phrase(again, { language: "en" });
    expect(fake.calls).toBe(1);
    expect(second).toMatchObject({ status: "ok", cached: true });
    if (first.status === "ok" && second.status === "ok") expect(second.sentences).toEqual(first.sentences);
    expect(service.stats()).toMatchObject({ requests: 2, calls: 1, cacheHits: 1, ok: 1 });
    // peek() answers from the cache synchronously.
    expect(service.peek(again, { language: "en" })).toMatchObject({ status: "ok", cached: true });
  });

  it("keys on the language, and shares one call between simultaneous identical requests", async () => {
    const { service, fake } = await serviceWith(behaviours.slow(100, behaviours.good(goodSentence)));
    const [a, b] = await Promise.all([
      service.phrase(entry, { language: "en" }),
      service.phrase(entry, { language: "en" }),
    ]);
    expect(a.status).toBe("ok");
    expect(b).toMatchObject({ status: "ok", cached: true });
    expect(fake.calls).toBe(1);
    await service.phrase(entry, { language: "es" });
    expect(fake.calls).toBe(2);
  });

  it("does not cache a rejection, and stays within its size bound", async () => {
    const { service, fake } = await serviceWith(behaviours.letThemIn(goodSentence), { PHRASING_CACHE_SIZE: "1" });
    await service.phrase(entry, { language: "en" });
    fake.script(behaviours.good(goodSentence));
    await service.phrase(entry, { language: "en" });
    expect(fake.calls).toBe(2);
    const records = ask(RECORDS_REQUEST);
    await service.phrase(records, { language: "en" }); // evicts the entry phrasing
    await service.phrase(entry, { language: "en" });
    expect(fake.calls).toBe(4);
  });
});

describe("languages", () => {
  it("a Spanish question gets Spanish phrasing; the quotes stay verbatim English, labelled as the source", async () => {
    const entryEs = ask(SCHOOL_ENTRY_ES);
    expect(entryEs.language).toBe("es");
    expect(entryEs.decision).toBe(entry.decision);
    const { service, fake } = await serviceWith(behaviours.good(goodSentence));
    const result = await service.phrase(entryEs, { language: entryEs.language });
    expect(fake.lastView()!.language).toBe("es");
    expect(fake.lastView()!.language_name).toBe("Spanish (español)");
    expect(result).toMatchObject({ status: "ok", language: "es" });

    const view = applyPhrasing(entryEs, result);
    for (const [i, c] of view.citations.entries()) {
      expect(c.summary).toEqual({ label: "Resumen en lenguaje sencillo", text: GOOD_ES[c.id], language: "es" });
      expect(c.sourceText).toEqual({
        label: "Texto de la fuente (literal, en inglés)",
        text: entryEs.citations[i]!.quote,
        language: "en",
      });
    }
    // The steps are the rules' own, untouched.
    expect(view.answer.steps).toEqual(entryEs.steps);
  });

  it("the language defaults to the answer's", async () => {
    const { service, fake } = await serviceWith(behaviours.good(goodSentence));
    await service.phrase(ask(SCHOOL_ENTRY_ES));
    expect(fake.lastView()!.language).toBe("es");
  });
});

describe("Azure OpenAI", () => {
  it("calls the deployment path with the api version and api-key header", async () => {
    fake = await startFakeOpenAI(behaviours.good(goodSentence));
    const service = new PhrasingService(
      loadPhrasingConfig({
        AZURE_OPENAI_ENDPOINT: fake.azureEndpoint + "/",
        AZURE_OPENAI_API_KEY: "azure-key",
        AZURE_OPENAI_DEPLOYMENT: "phrasing",
        OPENAI_API_VERSION: "2024-10-21",
      }),
      { logger: captureLogger() },
    );
    expect(await service.phrase(entry, { language: "en" })).toMatchObject({ status: "ok" });
    const request = fake.requests[0]!;
    expect(request.path).toBe("/openai/deployments/phrasing/chat/completions");
    expect(request.query["api-version"]).toBe("2024-10-21");
    expect(request.headers["api-key"]).toBe("azure-key");
    expect(request.headers.authorization).toBeUndefined();
  });
});
