/**
 * Phrasing configuration, read from an environment object the composition root passes in
 * (never from process.env here, so tests and several bots in one process stay independent).
 *
 * Nothing set means phrasing is off: the bot answers from its rules alone, with no error.
 * An incomplete setting (an Azure endpoint without a deployment, say) also leaves phrasing
 * off, and says why in `problems` so the caller can log it; it never throws.
 *
 *   OpenAI or any OpenAI-compatible server:
 *     OPENAI_API_KEY, OPENAI_BASE_URL (a local server: its /v1 URL; the key may then be
 *     anything, or left out), OPENAI_MODEL (default gpt-4o-mini)
 *   Azure OpenAI (wins when AZURE_OPENAI_ENDPOINT is set):
 *     AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, AZURE_OPENAI_DEPLOYMENT,
 *     OPENAI_API_VERSION (default 2024-10-21, the first GA version with structured outputs)
 *   Tuning (all optional):
 *     PHRASING_ENABLED=false         turn phrasing off even when a model is configured
 *     PHRASING_BUDGET_MS=4000        total time for one phrasing, retries included
 *     PHRASING_MAX_RETRIES=2         retries on 429, 5xx, timeouts and connection errors
 *     PHRASING_INCLUDE_QUESTION=false  send the employee's question for tone (off: the model
 *                                    never sees the question, so no personal data leaves)
 *     PHRASING_CACHE_SIZE=500        phrasings kept, by situation
 *     PHRASING_MAX_SENTENCE_CHARS=300  longest sentence the checker accepts
 */

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
export const DEFAULT_AZURE_API_VERSION = "2024-10-21";
/** Some OpenAI-compatible servers need no key; the client insists on one, so send this. */
export const PLACEHOLDER_API_KEY = "no-key";

export interface PhrasingTuning {
  budgetMs: number;
  maxRetries: number;
  includeQuestion: boolean;
  cacheSize: number;
  maxSentenceChars: number;
}

export const DEFAULT_TUNING: PhrasingTuning = {
  budgetMs: 4000,
  maxRetries: 2,
  includeQuestion: false,
  cacheSize: 500,
  maxSentenceChars: 300,
};

export interface OpenAIProvider {
  kind: "openai";
  apiKey: string;
  /** Undefined: api.openai.com. */
  baseURL?: string;
  model: string;
}

export interface AzureProvider {
  kind: "azure";
  endpoint: string;
  apiKey: string;
  deployment: string;
  apiVersion: string;
}

export type PhrasingConfig =
  | ({ enabled: true; provider: OpenAIProvider | AzureProvider; warnings: string[] } & PhrasingTuning)
  | ({
      enabled: false;
      reason: "not-configured" | "disabled" | "incomplete";
      problems: string[];
      warnings: string[];
    } & PhrasingTuning);

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function readInt(env: Env, name: string, fallback: number, min: number, max: number, warnings: string[]): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    warnings.push(`${name}=${raw} is not a whole number from ${min} to ${max}; using ${fallback}`);
    return fallback;
  }
  return n;
}

function readBool(env: Env, name: string, fallback: boolean, warnings: string[]): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  warnings.push(`${name}=${raw} is not true or false; using ${fallback}`);
  return fallback;
}

/** Reads the phrasing settings from `env` (the composition root passes process.env). */
export function loadPhrasingConfig(env: Env): PhrasingConfig {
  const warnings: string[] = [];
  const tuning: PhrasingTuning = {
    budgetMs: readInt(env, "PHRASING_BUDGET_MS", DEFAULT_TUNING.budgetMs, 100, 30_000, warnings),
    maxRetries: readInt(env, "PHRASING_MAX_RETRIES", DEFAULT_TUNING.maxRetries, 0, 5, warnings),
    includeQuestion: readBool(env, "PHRASING_INCLUDE_QUESTION", DEFAULT_TUNING.includeQuestion, warnings),
    cacheSize: readInt(env, "PHRASING_CACHE_SIZE", DEFAULT_TUNING.cacheSize, 0, 100_000, warnings),
    maxSentenceChars: readInt(env, "PHRASING_MAX_SENTENCE_CHARS", DEFAULT_TUNING.maxSentenceChars, 40, 2000, warnings),
  };
  const off = (reason: "not-configured" | "disabled" | "incomplete", problems: string[] = []): PhrasingConfig => ({
    enabled: false,
    reason,
    problems,
    warnings,
    ...tuning,
  });

  if (!readBool(env, "PHRASING_ENABLED", true, warnings)) return off("disabled");

  const azureEndpoint = read(env, "AZURE_OPENAI_ENDPOINT");
  if (azureEndpoint) {
    const apiKey = read(env, "AZURE_OPENAI_API_KEY");
    const deployment = read(env, "AZURE_OPENAI_DEPLOYMENT");
    const problems: string[] = [];
    if (!/^https?:\/\//i.test(azureEndpoint)) problems.push("AZURE_OPENAI_ENDPOINT must be an http(s) URL");
    if (!apiKey) problems.push("AZURE_OPENAI_API_KEY is not set");
    if (!deployment) problems.push("AZURE_OPENAI_DEPLOYMENT is not set");
    if (problems.length > 0 || !apiKey || !deployment) return off("incomplete", problems);
    return {
      enabled: true,
      provider: {
        kind: "azure",
        endpoint: azureEndpoint,
        apiKey,
        deployment,
        apiVersion: read(env, "OPENAI_API_VERSION") ?? DEFAULT_AZURE_API_VERSION,
      },
      warnings,
      ...tuning,
    };
  }

  const apiKey = read(env, "OPENAI_API_KEY");
  const baseURL = read(env, "OPENAI_BASE_URL");
  if (!apiKey && !baseURL) return off("not-configured");
  if (baseURL && !/^https?:\/\//i.test(baseURL)) return off("incomplete", ["OPENAI_BASE_URL must be an http(s) URL"]);
  return {
    enabled: true,
    provider: {
      kind: "openai",
      apiKey: apiKey ?? PLACEHOLDER_API_KEY,
      ...(baseURL ? { baseURL } : {}),
      model: read(env, "OPENAI_MODEL") ?? DEFAULT_OPENAI_MODEL,
    },
    warnings,
    ...tuning,
  };
}

/** A description safe to log: where phrasing goes, never a key. */
export function describePhrasingConfig(config: PhrasingConfig): string {
  if (!config.enabled) {
    return `phrasing off (${config.reason}${config.problems.length ? `: ${config.problems.join("; ")}` : ""})`;
  }
  const p = config.provider;
  const where =
    p.kind === "azure"
      ? `Azure OpenAI ${p.endpoint} deployment ${p.deployment} (api ${p.apiVersion})`
      : `${p.baseURL ?? "api.openai.com"} model ${p.model}`;
  return `phrasing on: ${where}, budget ${config.budgetMs} ms, ${config.maxRetries} retries`;
}
