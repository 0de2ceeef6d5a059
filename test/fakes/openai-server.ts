/**
 * A local stand-in for an OpenAI-compatible model: POST /v1/chat/completions (OpenAI, local
 * servers) and POST /openai/deployments/{deployment}/chat/completions?api-version=... (Azure).
 * Each test scripts what the "model" does with each call: good JSON, a wrong citation id, an
 * invented date, "let them in", a link, a sentence too long, malformed JSON, a slow reply,
 * 429 or 500 before succeeding, or 500 forever. Every request is recorded.
 *
 *   const model = await startFakeOpenAI(behaviours.good());
 *   const env = { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: "test" };
 *   ...
 *   expect(model.calls).toBe(1);
 *   await model.close();
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when the body was not JSON). */
  body: ChatRequestBody | undefined;
  /** The Azure deployment from the path, if any. */
  deployment?: string;
}

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  [key: string]: unknown;
}

/** The phrasing request as the model sees it: the user message, parsed. */
export interface ModelView {
  language: string;
  decision: string;
  headline: string;
  steps: { text: string; citations: string[] }[];
  citations: { id: string; source: string; date: string; quote: string }[];
  question?: string;
  [key: string]: unknown;
}

export type Reply =
  /** A completion whose content is {"sentences": [...]}. */
  | { kind: "sentences"; sentences: { citation: string; text: string }[]; delayMs?: number }
  /** A completion with this raw message content (malformed JSON, prose...). */
  | { kind: "content"; content: string; delayMs?: number }
  /** A completion that refuses. */
  | { kind: "refusal"; refusal: string; delayMs?: number }
  /** An HTTP error. */
  | { kind: "status"; status: number; headers?: Record<string, string>; delayMs?: number }
  /** Accept the connection and never answer. */
  | { kind: "hang" };

export type Script = (view: ModelView, call: number, request: RecordedRequest) => Reply;

export interface FakeOpenAI {
  /** http://127.0.0.1:PORT */
  url: string;
  /** For OPENAI_BASE_URL: url + "/v1". */
  baseURL: string;
  /** For AZURE_OPENAI_ENDPOINT. */
  azureEndpoint: string;
  requests: RecordedRequest[];
  /** Chat-completion requests received (retries included). */
  readonly calls: number;
  /** What the model saw on the last call. */
  lastView(): ModelView | undefined;
  /** Replace the script. */
  script(next: Script): void;
  close(): Promise<void>;
}

const GENERIC_SENTENCE = "This excerpt supports the step that cites it.";

export type SentenceFor = (id: string, language: string) => string;

const generic: SentenceFor = () => GENERIC_SENTENCE;

function sentences(view: ModelView, sentenceFor: SentenceFor) {
  return view.citations.map((c) => ({ citation: c.id, text: sentenceFor(c.id, view.language) }));
}

/** Replace the first citation's sentence. */
function firstReplaced(view: ModelView, sentenceFor: SentenceFor, text: string) {
  return sentences(view, sentenceFor).map((s, i) => (i === 0 ? { ...s, text } : s));
}

/** The scripted behaviours the phrasing tests use. */
export const behaviours = {
  good:
    (sentenceFor: SentenceFor = generic): Script =>
    (view) => ({ kind: "sentences", sentences: sentences(view, sentenceFor) }),
  wrongCitationId:
    (sentenceFor: SentenceFor = generic): Script =>
    (view) => ({
      kind: "sentences",
      sentences: sentences(view, sentenceFor).map((s, i) => (i === 0 ? { ...s, citation: `${s.citation}-2` } : s)),
    }),
  droppedCitation:
    (sentenceFor: SentenceFor = generic): Script =>
    (view) => ({ kind: "sentences", sentences: sentences(view, sentenceFor).slice(1) }),
  inventedDate:
    (sentenceFor: SentenceFor = generic): Script =>
    (view) => ({
      kind: "sentences",
      sentences: firstReplaced(view, sentenceFor, "This has been the rule since March 3, 2019."),
    }),
  letThemIn:
    (sentenceFor: SentenceFor = generic): Script =>
    (view) => ({
      kind: "sentences",
      sentences: firstReplaced(view, sentenceFor, "Let them in; the agents may go wherever they ask."),
    }),
  link:
    (sentenceFor: SentenceFor = generic): Script =>
    (view) => ({
      kind: "sentences",
      sentences: firstReplaced(view, sentenceFor, "Read the full policy at https://example.org/policy before acting."),
    }),
  tooLong:
    (sentenceFor: SentenceFor = generic): Script =>
    (view) => ({
      kind: "sentences",
      sentences: firstReplaced(view, sentenceFor, `${GENERIC_SENTENCE} `.repeat(20).trim()),
    }),
  malformed: (): Script => () => ({ kind: "content", content: '{"sentences": [{"citation": "' }),
  prose: (): Script => () => ({ kind: "content", content: "Sure! Here are the sentences you asked for." }),
  refusal: (): Script => () => ({ kind: "refusal", refusal: "I can't help with that." }),
  slow:
    (delayMs: number, then: Script = behaviours.good()): Script =>
    (view, call, request) => ({ ...(then(view, call, request) as Exclude<Reply, { kind: "hang" }>), delayMs }),
  hang: (): Script => () => ({ kind: "hang" }),
  /** `status` for the first `times` calls, then `then`. */
  failThen:
    (status: number, times: number, then: Script = behaviours.good(), headers?: Record<string, string>): Script =>
    (view, call, request) =>
      call < times ? { kind: "status", status, ...(headers ? { headers } : {}) } : then(view, call, request),
  always:
    (status: number, headers?: Record<string, string>): Script =>
    () => ({
      kind: "status",
      status,
      ...(headers ? { headers } : {}),
    }),
  /** Whatever the user message carries, answer with `sentenceFor` (e.g. an obeyed injection). */
  each:
    (sentenceFor: SentenceFor): Script =>
    (view) => ({ kind: "sentences", sentences: sentences(view, sentenceFor) }),
};

function completion(model: string, content: string | null, refusal: string | null = null) {
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content, refusal }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

const CHAT_PATH = /^\/(?:v1\/chat\/completions|openai\/deployments\/([^/]+)\/chat\/completions)$/;

export async function startFakeOpenAI(initial: Script = behaviours.good()): Promise<FakeOpenAI> {
  let current = initial;
  let calls = 0;
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let lastView: ModelView | undefined;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const match = CHAT_PATH.exec(url.pathname);
      let body: ChatRequestBody | undefined;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequestBody;
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        ...(match?.[1] ? { deployment: decodeURIComponent(match[1]) } : {}),
      };
      requests.push(recorded);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== "POST" || !match)
        return send(404, { error: { message: "not found", type: "invalid_request_error" } });
      if (!body) return send(400, { error: { message: "body is not JSON", type: "invalid_request_error" } });

      const user = body.messages?.find((m) => m.role === "user")?.content ?? "{}";
      let view: ModelView;
      try {
        view = JSON.parse(user) as ModelView;
      } catch {
        return send(400, { error: { message: "user message is not JSON", type: "invalid_request_error" } });
      }
      lastView = view;
      const reply = current(view, calls++, recorded);
      if (reply.kind === "hang") return;
      const answer = () => {
        switch (reply.kind) {
          case "sentences":
            return send(200, completion(body.model, JSON.stringify({ sentences: reply.sentences })));
          case "content":
            return send(200, completion(body.model, reply.content));
          case "refusal":
            return send(200, completion(body.model, null, reply.refusal));
          case "status":
            return send(
              reply.status,
              { error: { message: `scripted ${reply.status}`, type: "server_error" } },
              reply.headers,
            );
        }
      };
      if (reply.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          answer();
        }, reply.delayMs);
        timers.add(t);
      } else answer();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    azureEndpoint: url,
    requests,
    get calls() {
      return calls;
    },
    lastView: () => lastView,
    script(next) {
      current = next;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
