/**
 * The phrasing service: asks a model (OpenAI, Azure OpenAI or any OpenAI-compatible server)
 * for one plain sentence per cited excerpt, and returns them only when the checker accepts
 * every one. It never decides anything, never throws, and never takes longer than its
 * budget: on any failure the caller keeps the rules' template wording.
 *
 *   const phrasing = createPhrasingService(process.env, { logger });
 *   const result = await phrasing.phrase(answer, { language: answer.language, question });
 *   // { status: "ok", sentences: { [citationId]: sentence } } | { status: "fallback", reason }
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import OpenAI, { AzureOpenAI } from "openai";
import { z } from "zod";
import { checkPhrasing, type RejectionReason, type Violation } from "./checker.js";
import { loadPhrasingConfig, type Env, type PhrasingConfig } from "./config.js";
import { buildPhrasingInput, normaliseLanguage, type PhrasableAnswer, type PhrasingInput } from "./input.js";

// ---------------------------------------------------------------------------------------
// The prompt file

/** The reviewed prompt (prompts/ at the repository root, the same path from src/ and dist/). */
export const DEFAULT_PROMPT_FILE = fileURLToPath(new URL("../../prompts/phrase-citations.v1.md", import.meta.url));
const PROMPT_MARKER = "--- prompt ---";

export interface Prompt {
  version: string;
  /** The system message: everything below the marker line. */
  text: string;
}

export function loadPrompt(file: string = DEFAULT_PROMPT_FILE): Prompt {
  const raw = readFileSync(file, "utf8");
  const version = /^Version:\s*(\S+)\s*$/m.exec(raw)?.[1];
  const at = raw.indexOf(`\n${PROMPT_MARKER}\n`);
  if (!version || at < 0) throw new Error(`${file}: needs a "Version:" line and a "${PROMPT_MARKER}" line`);
  return { version, text: raw.slice(at + PROMPT_MARKER.length + 2).trim() };
}

// ---------------------------------------------------------------------------------------
// Results, counters, logging

export type FailureReason =
  | "not-configured"
  | "no-citations"
  | "timeout"
  | "rate-limited"
  | "upstream-error"
  | "refused"
  | "malformed"
  | "schema"
  | "internal-error";

export type FallbackReason = FailureReason | RejectionReason;

export type PhraseResult =
  | {
      status: "ok";
      /** One checked plain-language sentence per citation id of the answer. */
      sentences: Record<string, string>;
      language: string;
      promptVersion: string;
      cached: boolean;
    }
  | {
      status: "fallback";
      reason: FallbackReason;
      /** For checker rejections: every broken rule, most serious first. */
      violations?: Violation[];
    };

export interface PhraseOptions {
  /** The asker's language (BCP 47); defaults to the answer's. */
  language?: string;
  /** The asker's question, sent for tone only when PHRASING_INCLUDE_QUESTION is on. */
  question?: string;
}

export interface PhrasingStats {
  /** phrase() calls. */
  requests: number;
  /** Phrasings sent to the model (cache misses). */
  calls: number;
  /** HTTP requests to the model, retries included. */
  attempts: number;
  cacheHits: number;
  ok: number;
  rejections: { total: number; byReason: Partial<Record<RejectionReason, number>> };
  fallbacks: { total: number; byReason: Partial<Record<FallbackReason, number>> };
}

/**
 * Where rejections and failures are reported. Fields never carry the question, the model's
 * text or anything from the asker: only reason codes, citation ids, the decision, the
 * language, the prompt version and HTTP statuses.
 */
export interface PhrasingLogger {
  warn(event: string, fields: Record<string, unknown>): void;
  info?(event: string, fields: Record<string, unknown>): void;
}

const consoleLogger: PhrasingLogger = {
  warn: (event, fields) => console.warn(JSON.stringify({ level: "warn", event, ...fields })),
};

export interface PhrasingDeps {
  logger?: PhrasingLogger;
  /** Another prompt file (tests; a reviewed v2). */
  promptFile?: string;
  /** The fetch the model client uses (default: global fetch). */
  fetch?: typeof fetch;
}

// ---------------------------------------------------------------------------------------
// The model's answer, as we require it

const modelOutputSchema = z.object({
  sentences: z.array(z.object({ citation: z.string().max(200), text: z.string().max(5000) })).max(200),
});

function responseFormat(input: PhrasingInput) {
  return {
    type: "json_schema" as const,
    json_schema: {
      name: "citation_sentences",
      strict: true,
      schema: {
        type: "object",
        additionalProperties: false,
        required: ["sentences"],
        properties: {
          sentences: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["citation", "text"],
              properties: {
                citation: { type: "string", enum: input.citations.map((c) => c.id) },
                text: { type: "string" },
              },
            },
          },
        },
      },
    },
  };
}

const LANGUAGE_NAMES: Record<string, string> = {
  en: "English",
  es: "Spanish (español)",
  zh: "Chinese (中文)",
  ru: "Russian (русский)",
  bn: "Bengali (বাংলা)",
  ht: "Haitian Creole (kreyòl ayisyen)",
  ko: "Korean (한국어)",
  ar: "Arabic (العربية)",
  fr: "French (français)",
  ur: "Urdu (اردو)",
  pl: "Polish (polski)",
};

/** The user message: the phrasing input, and the question only when configured. */
function userMessage(input: PhrasingInput, question: string | undefined): string {
  return JSON.stringify({
    language: input.language,
    language_name: LANGUAGE_NAMES[input.language] ?? input.language,
    decision: input.decision,
    headline: input.headline,
    steps: input.steps,
    citations: input.citations,
    ...(question !== undefined ? { question } : {}),
  });
}

const MAX_QUESTION_CHARS = 2000;

// ---------------------------------------------------------------------------------------

class BudgetExceeded extends Error {}

function failureOf(error: unknown): { reason: FailureReason; status?: number; kind: string } {
  if (error instanceof BudgetExceeded || error instanceof OpenAI.APIUserAbortError) {
    return { reason: "timeout", kind: "budget" };
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) return { reason: "timeout", kind: "request-timeout" };
  if (error instanceof OpenAI.APIConnectionError) return { reason: "upstream-error", kind: "connection" };
  if (error instanceof OpenAI.RateLimitError) return { reason: "rate-limited", status: 429, kind: "http" };
  if (error instanceof OpenAI.APIError) {
    return { reason: "upstream-error", ...(error.status !== undefined ? { status: error.status } : {}), kind: "http" };
  }
  return { reason: "internal-error", kind: error instanceof Error ? error.name : typeof error };
}

export class PhrasingService {
  readonly config: PhrasingConfig;
  readonly prompt: Prompt;
  private readonly client: OpenAI | undefined;
  private readonly model: string;
  private readonly logger: PhrasingLogger;
  private readonly cache = new Map<string, Record<string, string>>();
  private readonly inFlight = new Map<string, Promise<PhraseResult>>();
  private readonly counters: PhrasingStats = {
    requests: 0,
    calls: 0,
    attempts: 0,
    cacheHits: 0,
    ok: 0,
    rejections: { total: 0, byReason: {} },
    fallbacks: { total: 0, byReason: {} },
  };

  constructor(config: PhrasingConfig, deps: PhrasingDeps = {}) {
    this.config = config;
    this.logger = deps.logger ?? consoleLogger;
    this.prompt = loadPrompt(deps.promptFile);
    this.model = "";
    if (!config.enabled) return;

    const baseFetch = deps.fetch ?? globalThis.fetch;
    const countingFetch: typeof fetch = (input, init) => {
      this.counters.attempts++;
      return baseFetch(input, init);
    };
    // Everything is passed explicitly: the client would otherwise read process.env.
    const common = {
      maxRetries: config.maxRetries,
      timeout: config.budgetMs,
      fetch: countingFetch,
      logLevel: "off" as const,
      organization: null,
      project: null,
      webhookSecret: null,
    };
    const p = config.provider;
    try {
      if (p.kind === "azure") {
        this.client = new AzureOpenAI({
          ...common,
          apiKey: p.apiKey,
          apiVersion: p.apiVersion,
          baseURL: `${p.endpoint.replace(/\/+$/, "")}/openai`,
          deployment: p.deployment,
        });
        this.model = p.deployment;
      } else {
        this.client = new OpenAI({
          ...common,
          apiKey: p.apiKey,
          adminAPIKey: null,
          baseURL: p.baseURL ?? "https://api.openai.com/v1",
        });
        this.model = p.model;
      }
    } catch (error) {
      this.logger.warn("phrasing.client-error", { kind: error instanceof Error ? error.name : typeof error });
      this.client = undefined;
    }
  }

  /** Is a model configured (and its client built)? */
  get enabled(): boolean {
    return this.client !== undefined;
  }

  get promptVersion(): string {
    return this.prompt.version;
  }

  stats(): PhrasingStats {
    return structuredClone(this.counters);
  }

  /**
   * The cached phrasing for this situation, synchronously, without calling the model: lets a
   * channel put phrasing into its very first message when it is already known.
   */
  peek(answer: PhrasableAnswer, options: PhraseOptions = {}): PhraseResult | undefined {
    if (!this.enabled || answer.citations.length === 0) return undefined;
    const input = buildPhrasingInput(answer, options.language ?? answer.language);
    const hit = this.cacheGet(this.keyOf(input));
    if (!hit) return undefined;
    this.counters.cacheHits++;
    return { status: "ok", sentences: hit, language: input.language, promptVersion: this.prompt.version, cached: true };
  }

  /** Never throws, never takes much longer than the budget. */
  async phrase(answer: PhrasableAnswer, options: PhraseOptions = {}): Promise<PhraseResult> {
    this.counters.requests++;
    try {
      if (!this.client) return this.fallback("not-configured");
      const language = normaliseLanguage(options.language ?? answer.language);
      const input = buildPhrasingInput(answer, language);
      if (input.citations.length === 0) return this.fallback("no-citations");

      const key = this.keyOf(input);
      const hit = this.cacheGet(key);
      if (hit) {
        this.counters.cacheHits++;
        return { status: "ok", sentences: hit, language, promptVersion: this.prompt.version, cached: true };
      }
      const pending = this.inFlight.get(key);
      if (pending) {
        const shared = await pending;
        if (shared.status === "ok") this.counters.cacheHits++;
        return shared.status === "ok" ? { ...shared, cached: true } : shared;
      }
      const question =
        this.config.includeQuestion && options.question !== undefined
          ? options.question.slice(0, MAX_QUESTION_CHARS)
          : undefined;
      const run = this.callModel(this.client, input, question, key);
      this.inFlight.set(key, run);
      try {
        return await run;
      } finally {
        this.inFlight.delete(key);
      }
    } catch (error) {
      this.logger.warn("phrasing.failed", { reason: "internal-error", kind: error instanceof Error ? error.name : "" });
      return this.fallback("internal-error");
    }
  }

  private async callModel(client: OpenAI, input: PhrasingInput, question: string | undefined, key: string) {
    this.counters.calls++;
    const context = { decision: input.decision, language: input.language, promptVersion: this.prompt.version };
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new BudgetExceeded());
      }, this.config.budgetMs);
    });
    let content: string | null | undefined;
    let refusal: string | null | undefined;
    try {
      const request = client.chat.completions.create(
        {
          model: this.model,
          messages: [
            { role: "system", content: this.prompt.text },
            { role: "user", content: userMessage(input, question) },
          ],
          response_format: responseFormat(input),
        },
        { signal: controller.signal, maxRetries: this.config.maxRetries, timeout: this.config.budgetMs },
      );
      request.catch(() => undefined); // settled by the deadline instead
      const completion = await Promise.race([request, deadline]);
      const choice = completion.choices?.[0];
      content = choice?.message?.content;
      refusal = choice?.message?.refusal;
    } catch (error) {
      const failure = failureOf(error);
      this.logger.warn("phrasing.failed", { ...context, ...failure });
      return this.fallback(failure.reason);
    } finally {
      clearTimeout(timer);
    }

    if (refusal) {
      this.logger.warn("phrasing.failed", { ...context, reason: "refused" });
      return this.fallback("refused");
    }
    let json: unknown;
    try {
      json = JSON.parse(content ?? "");
    } catch {
      this.logger.warn("phrasing.failed", { ...context, reason: "malformed" });
      return this.fallback("malformed");
    }
    const parsed = modelOutputSchema.safeParse(json);
    if (!parsed.success) {
      this.logger.warn("phrasing.failed", { ...context, reason: "schema" });
      return this.fallback("schema");
    }
    const checked = checkPhrasing(input, parsed.data.sentences, { maxSentenceChars: this.config.maxSentenceChars });
    if (!checked.ok) {
      const given = new Set(input.citations.map((c) => c.id));
      const reason = checked.violations[0]!.reason;
      this.counters.rejections.total++;
      this.counters.rejections.byReason[reason] = (this.counters.rejections.byReason[reason] ?? 0) + 1;
      this.logger.warn("phrasing.rejected", {
        ...context,
        reason,
        // Ids the model made up are its text, not ours: they are not logged.
        violations: checked.violations.map((v) => ({
          reason: v.reason,
          citation: given.has(v.citation) ? v.citation : "(not given)",
          ...(v.term ? { term: v.term } : {}),
        })),
      });
      return this.fallback(reason, checked.violations);
    }
    this.cacheSet(key, checked.sentences);
    this.counters.ok++;
    return {
      status: "ok" as const,
      sentences: checked.sentences,
      language: input.language,
      promptVersion: this.prompt.version,
      cached: false,
    };
  }

  private fallback(reason: FallbackReason, violations?: Violation[]): PhraseResult {
    this.counters.fallbacks.total++;
    this.counters.fallbacks.byReason[reason] = (this.counters.fallbacks.byReason[reason] ?? 0) + 1;
    return { status: "fallback", reason, ...(violations ? { violations } : {}) };
  }

  /**
   * The situation, as far as phrasing can tell: the decision, the headline and steps, the
   * citations (ids and quotes), the language, the prompt version and the model.
   */
  private keyOf(input: PhrasingInput): string {
    return createHash("sha256")
      .update(
        JSON.stringify([
          this.prompt.version,
          this.model,
          input.language,
          input.decision,
          input.headline,
          input.steps,
          input.citations.map((c) => [c.id, c.quote]),
        ]),
      )
      .digest("base64url");
  }

  private cacheGet(key: string): Record<string, string> | undefined {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key); // most recently used goes last
      this.cache.set(key, hit);
    }
    return hit ? { ...hit } : undefined;
  }

  private cacheSet(key: string, sentences: Record<string, string>): void {
    if (this.config.cacheSize <= 0) return;
    this.cache.set(key, { ...sentences });
    while (this.cache.size > this.config.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }
}

/** The service from an environment object (the composition root passes process.env). */
export function createPhrasingService(env: Env, deps: PhrasingDeps = {}): PhrasingService {
  return new PhrasingService(loadPhrasingConfig(env), deps);
}
