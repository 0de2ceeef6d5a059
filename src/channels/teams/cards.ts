/**
 * Adaptive Cards for every Teams surface, as pure functions: an Answer (or a case) in, a
 * card out. No I/O, no clock. Teams renders bot cards up to version 1.5 and refuses a bot
 * message over about 100 KB; every card here is version 1.5 and kept under MAX_CARD_BYTES.
 *
 * Text that comes from the policy or from people (headlines, steps, quotes, notes) goes in
 * TextRuns, which Teams shows as written: a TextBlock would read "*" or "1." as Markdown,
 * and a quote must appear verbatim.
 */
import type { Answer } from "../../core/decide.js";
import type { PhrasedView } from "../../phrasing/index.js";
import type { PolicyPack } from "../../policy/load.js";
import { FACT_VALUES, ROLES, type Role } from "../../policy/vocabulary.js";
import {
  OUTCOME_LABELS,
  OUTCOMES,
  type CaseList,
  type CaseView,
  type OutboxPayloads,
  type UserRef,
} from "../../escalation/types.js";
import { CORRECTABLE, EXAMPLES, FACT_LABELS, FACT_TITLES, ROLE_LABELS } from "./labels.js";
import { inputIdOf, toWire, type CardState } from "./submit.js";

export const CARD_VERSION = "1.5";
export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
/** Microsoft recommends bot messages under 80 KB (about 100 KB is refused with 413). */
export const MAX_CARD_BYTES = 80 * 1024;

/** Adaptive Cards hosts show at most 5 actions in a row (the renderer's default host config). */
export const MAX_ACTIONS = 5;

export type CardElement = Record<string, unknown>;
export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: string;
  body: CardElement[];
  actions?: CardElement[];
  msteams?: { width?: "Full" };
}

export interface Attachment {
  contentType: typeof CARD_CONTENT_TYPE;
  content: AdaptiveCard;
}

/** What the bot sends: a card, and the plain text shown in notifications and by screen readers. */
export interface CardMessage {
  text: string;
  card: AdaptiveCard;
}

// ---------------------------------------------------------------------------------------
// Building blocks

function card(body: CardElement[], actions: CardElement[] = []): AdaptiveCard {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: CARD_VERSION,
    body,
    ...(actions.length > 0 ? { actions } : {}),
    msteams: { width: "Full" },
  };
}

type RunStyle = {
  weight?: "Bolder";
  italic?: boolean;
  size?: "Small" | "Medium" | "Large";
  isSubtle?: boolean;
  color?: string;
};

function run(text: string, style: RunStyle = {}): CardElement {
  return { type: "TextRun", text, ...style };
}

/** One paragraph of verbatim text (TextRuns are not read as Markdown). */
function para(runs: CardElement[] | string, extra: Record<string, unknown> = {}): CardElement {
  return { type: "RichTextBlock", inlines: typeof runs === "string" ? [run(runs)] : runs, ...extra };
}

/** A short heading of our own wording (no user or policy text). */
function heading(text: string, extra: Record<string, unknown> = {}): CardElement {
  return { type: "TextBlock", text, weight: "Bolder", wrap: true, spacing: "Medium", ...extra };
}

function small(text: string): CardElement {
  return para([run(text, { size: "Small", isSubtle: true })], { spacing: "Small" });
}

function submit(title: string, data: Record<string, unknown>, style?: "positive" | "destructive"): CardElement {
  return { type: "Action.Submit", title: truncate(title, 80), data, ...(style ? { style } : {}) };
}

function showCard(title: string, body: CardElement[], actions: CardElement[]): CardElement {
  return {
    type: "Action.ShowCard",
    title,
    card: { type: "AdaptiveCard", body, actions },
  };
}

/** Buttons in rows of at most MAX_ACTIONS. */
function actionSets(actions: CardElement[]): CardElement[] {
  const sets: CardElement[] = [];
  for (let i = 0; i < actions.length; i += MAX_ACTIONS) {
    sets.push({ type: "ActionSet", actions: actions.slice(i, i + MAX_ACTIONS) });
  }
  return sets;
}

function choiceSet(
  id: string,
  label: string,
  choices: { title: string; value: string }[],
  value?: string,
  extra: Record<string, unknown> = {},
): CardElement {
  return {
    type: "Input.ChoiceSet",
    id,
    label,
    style: "compact",
    choices,
    ...(value !== undefined ? { value } : {}),
    ...extra,
  };
}

/** At most `max` characters, cut at a word near the end when there is one, with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const space = text.lastIndexOf(" ", cut);
  if (space > max * 0.8) cut = space;
  let head = text.slice(0, cut);
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return `${head.trimEnd()}…`;
}

export function cardBytes(c: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(c), "utf8");
}

function roleChoices(): { title: string; value: string }[] {
  return ROLES.filter((r) => r !== "unknown").map((r) => ({ title: ROLE_LABELS[r], value: r }));
}

// ---------------------------------------------------------------------------------------
// Answers

export interface AnswerCardView {
  /** The answer to show, with phrasing applied when it arrived (deliverAnswer). */
  view: PhrasedView<Answer>;
  /** What the buttons carry to answer again (facts, signals, pinned date; never the text). */
  state: CardState;
  /** The asker's remembered role; when unset and it matters, the card asks for it. */
  profileRole?: Role;
  /** The card sits in a channel or group chat others can read: remind the asker a chat with the bot is private. */
  publicThread?: boolean;
  /** The answer was escalated: show the case instead of the button. */
  escalated?: { ref: string; queue: string; phone: string } | { unavailable: true; phone?: string; queue: string };
}

/** Does the asker's role change this answer (who to call, or the decision itself)? */
export function roleMatters(answer: Answer): boolean {
  return (
    answer.escalate.offered || answer.clarify.some((q) => q.fact === "role") || answer.decision.startsWith("NYPD_")
  );
}

export function asksForRole(answer: Answer, profileRole: Role | undefined): boolean {
  return (
    answer.facts.role === "unknown" &&
    (profileRole === undefined || profileRole === "unknown") &&
    roleMatters(answer) &&
    !answer.clarify.some((q) => q.fact === "role")
  );
}

function citationMarks(refs: number[]): string {
  return refs.map((i) => `[${i + 1}]`).join("");
}

function answerBody(v: AnswerCardView, quoteMax: number): { body: CardElement[]; actions: CardElement[] } {
  const { answer, citations } = v.view;
  const wire = toWire(v.state);
  const body: CardElement[] = [];

  // 1. The decision, first, in one line.
  body.push(para([run(answer.headline, { weight: "Bolder", size: "Medium" })], { id: "headline" }));
  for (const note of answer.notes) body.push(small(note));

  // 2. What to do, numbered, each step with its citation marks.
  body.push(heading("What to do"));
  answer.steps.forEach((step, i) => {
    const marks = citationMarks(answer.stepCitations[i] ?? []);
    body.push(
      para([run(`${i + 1}. ${step}`), ...(marks ? [run(` ${marks}`, { color: "Accent", size: "Small" })] : [])], {
        spacing: "Small",
      }),
    );
  });

  // 3. Clarifying questions: one tap answers again with the new fact, in place.
  for (const q of answer.clarify.slice(0, 4)) {
    body.push(heading(q.question));
    body.push(
      ...actionSets(
        q.options.map((label, i) => submit(label, { ice: "clarify", fact: q.fact, value: q.values[i]!, s: wire })),
      ),
    );
  }

  // 4. The asker's role, asked once when it matters, then remembered.
  if (asksForRole(answer, v.profileRole)) {
    body.push(heading("Which best describes you? I'll remember it, so answers name the right people to call."));
    body.push(choiceSet("role", "Your role", roleChoices(), undefined, { placeholder: "Choose your role" }));
    body.push({ type: "ActionSet", actions: [submit("Save my role", { ice: "role-in-answer", s: wire })] });
  }

  // 5. Sources: title, date and the quote, verbatim.
  if (citations.length > 0) {
    body.push(heading("Sources", { separator: true }));
    citations.forEach((c, i) => {
      body.push(para([run(`[${i + 1}] ${c.title}, ${c.date}`, { weight: "Bolder", size: "Small" })]));
      // Phrased: the plain-language summary, labelled, above the quote, labelled as the source text.
      if (c.summary) {
        body.push(
          para(
            [run(`${c.summary.label}: `, { weight: "Bolder", size: "Small" }), run(c.summary.text, { size: "Small" })],
            { spacing: "None" },
          ),
        );
        body.push(para([run(`${c.sourceText.label}:`, { weight: "Bolder", size: "Small" })], { spacing: "Small" }));
      }
      const quote = truncate(c.sourceText.text, quoteMax);
      body.push(para([run(`“${quote}”`, { italic: true })], { spacing: "None" }));
    });
  }

  // 6. Who to call.
  if (answer.contacts.length > 0) {
    const title = answer.escalate.urgent
      ? "Call now (urgent):"
      : answer.escalate.required
        ? "Who to call:"
        : "If you need counsel:";
    body.push(heading(title, { separator: true, ...(answer.escalate.urgent ? { color: "Attention" } : {}) }));
    for (const contact of answer.contacts) body.push(para(`• ${contact}`, { spacing: "None" }));
  }

  // 7. Escalation: the case once opened, or the phone when it could not be.
  const e = v.escalated;
  if (e && "ref" in e) {
    body.push(
      para(
        [
          run(`Escalated to legal: case ${e.ref} (${e.queue}). `, { weight: "Bolder" }),
          run(`If it is urgent, call ${e.phone}.`),
        ],
        {
          id: "escalated",
          separator: true,
        },
      ),
    );
  } else if (e) {
    body.push(
      para(
        [
          run("Escalation is not available right now, so no one has been told. ", { weight: "Bolder" }),
          run(e.phone ? `Call ${e.phone} (${e.queue}) now.` : "Call the people above now."),
        ],
        { id: "escalated", separator: true },
      ),
    );
  }

  // 8. As of when, which rule, and (in a channel) the privacy reminder.
  body.push(
    small(
      `As of ${answer.asOf} · ${answer.decision} (rule ${answer.row}) · the City's written protocol, not legal advice.`,
    ),
  );
  const role = v.profileRole && v.profileRole !== "unknown" ? v.profileRole : answer.facts.role;
  if (role !== "unknown") body.push(small(`You: ${ROLE_LABELS[role]} (type "role" to change it).`));
  if (v.publicThread) {
    body.push(
      small(
        "Everyone in this conversation can read this thread. For anything that names a person, chat with me directly instead: only you will see it.",
      ),
    );
  }

  const actions: CardElement[] = [];
  if (!e || !("ref" in e)) {
    actions.push(
      submit("Escalate to legal", { ice: "escalate", s: wire }, answer.escalate.urgent ? "destructive" : "positive"),
    );
  }
  actions.push(
    showCard(
      "Correct what I understood",
      CORRECTABLE.map((fact) => {
        const labels = FACT_LABELS[fact] as Record<string, string>;
        return choiceSet(
          inputIdOf(fact),
          FACT_TITLES[fact],
          (FACT_VALUES[fact] as readonly string[]).map((value) => ({ title: labels[value]!, value })),
          v.state.facts[fact],
        );
      }),
      [submit("Answer again", { ice: "correct", s: wire })],
    ),
  );
  return { body, actions };
}

/** The answer card: decision first, steps, clarifying buttons, sources, who to call, escalation. */
export function answerCard(v: AnswerCardView): CardMessage {
  // Quotes are most of a card's bytes: shorten them until the card fits (they rarely need to).
  let built: AdaptiveCard | undefined;
  for (const quoteMax of [1500, 600, 200, 60]) {
    const { body, actions } = answerBody(v, quoteMax);
    built = card(body, actions);
    if (cardBytes(built) <= MAX_CARD_BYTES) break;
  }
  return { text: v.view.answer.headline, card: built! };
}

// ---------------------------------------------------------------------------------------
// Help, sources, role, errors

export function helpCard(intro?: string): CardMessage {
  const body: CardElement[] = [];
  if (intro) body.push(small(intro));
  body.push(
    heading("Tell me what is happening, and I'll tell you what to do.", { size: "Medium" }),
    para(
      "I answer from the City's written protocol on immigration and other law-enforcement agents at City sites, with the exact quotes and who to call.",
    ),
    heading("How to ask"),
    para("• Write what is happening, e.g. “ICE agents are at the front desk of my school without a warrant”."),
    para("• role: tell me your role once (school staff, NYPD, hospital...) so answers name the right people.", {
      spacing: "None",
    }),
    para("• sources: the policy sources I quote, with their dates.", { spacing: "None" }),
    para("• cases: your escalations to legal (and, for legal staff, the open cases).", { spacing: "None" }),
    para("• In a channel, @mention me: I answer in the thread.", { spacing: "None" }),
    heading("Try an example"),
    ...actionSets(EXAMPLES.map((q, i) => submit(truncate(q, 60), { ice: "example", i }))),
    small(
      "In an emergency, call 911. I give the City's written protocol, not legal advice; when in doubt, escalate to counsel.",
    ),
  );
  return { text: "How to use ICE Protocol", card: card(body) };
}

export function sourcesCard(pack: PolicyPack): CardMessage {
  const body: CardElement[] = [heading("The policy sources I quote", { size: "Medium" })];
  for (const s of pack.sources) {
    const from = s.approximateStart
      ? `in force from about ${s.inForceFrom} (the source gives only the year)`
      : `in force from ${s.inForceFrom}`;
    body.push(para([run(`${s.title}, ${s.date}`, { weight: "Bolder" }), run(`: ${s.publisher}; ${from}.`)]));
  }
  const first = pack.sources.map((s) => s.inForceFrom).sort()[0];
  body.push(
    small(
      `${pack.citations.length} excerpts, each checked word for word against these texts. Before ${first} none of them was in force.`,
    ),
  );
  return { text: "The policy sources I quote", card: card(body) };
}

export function roleCard(current: Role | undefined, intro?: string): CardMessage {
  const now =
    current && current !== "unknown" ? `Your role now: ${ROLE_LABELS[current]}.` : "I don't know your role yet.";
  const body: CardElement[] = [];
  if (intro) body.push(small(intro));
  body.push(
    para(`${now} Which best describes you? I'll remember it, so answers name the right people to call.`),
    choiceSet("role", "Your role", roleChoices(), current && current !== "unknown" ? current : undefined, {
      placeholder: "Choose your role",
    }),
  );
  return { text: "Choose your role", card: card(body, [submit("Save", { ice: "role" })]) };
}

export function roleSavedCard(role: Role | undefined): CardMessage {
  const text =
    role && role !== "unknown"
      ? `Saved: you are ${ROLE_LABELS[role]}. Your answers will name the right people to call. Change it any time by typing "role".`
      : `I've forgotten your role. Set it again any time by typing "role".`;
  return { text, card: card([para(text)]) };
}

export function textCard(text: string): CardMessage {
  return { text, card: card([para(text)]) };
}

// ---------------------------------------------------------------------------------------
// Escalation: the case card in the legal channel, the list, and the notices

/** How a person is named on a card: a display name when we saw one, else their platform. */
export type NameOf = (user: UserRef) => string;
export const platformName: NameOf = (u) =>
  u.platform === "teams" ? "a Teams user" : u.platform === "slack" ? "a Slack user" : `a ${u.platform} user`;

const STATUS_LABELS: Record<CaseView["status"], string> = {
  open: "Open: waiting for legal staff",
  claimed: "Claimed",
  resolved: "Resolved",
  cancelled: "Cancelled by the employee",
};

function caseOp(op: "claim" | "message" | "resolve" | "reopen" | "cancel", c: { id: string }) {
  return { ice: "case", op, caseId: c.id };
}

function messageForm(c: CaseView, title: string, label: string): CardElement {
  return showCard(
    title,
    [
      {
        type: "Input.Text",
        id: "text",
        label,
        isMultiline: true,
        maxLength: 2900,
        isRequired: true,
        errorMessage: "Write a message",
      },
    ],
    [submit("Send", caseOp("message", c))],
  );
}

/** The card posted as a new thread in the queue's legal channel, updated in place on every change. */
export function caseCard(c: CaseView, nameOf: NameOf = platformName, quoteMax = 600): CardMessage {
  const body: CardElement[] = [];
  body.push(
    para(
      [
        run(`${c.urgent ? "URGENT · " : ""}Case ${c.ref} · ${c.queue}`, {
          weight: "Bolder",
          size: "Medium",
          ...(c.urgent ? { color: "Attention" } : {}),
        }),
      ],
      {
        id: "case-title",
      },
    ),
  );
  let status = STATUS_LABELS[c.status];
  if (c.status === "claimed" && c.owner) status = `Claimed by ${nameOf(c.owner)}`;
  if (c.status === "resolved") {
    status = `Resolved${c.owner ? ` by ${nameOf(c.owner)}` : ""}: ${c.outcome ? OUTCOME_LABELS[c.outcome] : ""}`;
  }
  body.push(para([run("Status: ", { weight: "Bolder" }), run(status)], { id: "case-status" }));
  if (c.status === "resolved" && c.note) body.push(para([run("Note: ", { weight: "Bolder" }), run(c.note)]));
  body.push(
    para([
      run("Employee: ", { weight: "Bolder" }),
      run(
        `${nameOf(c.asker)} (${c.asker.role === "unknown" ? "role not set" : (ROLE_LABELS[c.asker.role as Role] ?? c.asker.role)}), on ${c.asker.platform}`,
      ),
    ]),
  );
  body.push(para([run("The bot answered: ", { weight: "Bolder" }), run(c.headline)]));
  body.push(small(`${c.decision} · as of ${c.asOf} · opened ${c.createdAt.slice(0, 16).replace("T", " ")} UTC`));
  if (c.questionExcerpt) body.push(para([run("Question (redacted): ", { weight: "Bolder" }), run(c.questionExcerpt)]));
  body.push({
    type: "FactSet",
    facts: CORRECTABLE.map((fact) => ({
      title: FACT_TITLES[fact],
      value: (FACT_LABELS[fact] as Record<string, string>)[c.facts[fact]] ?? String(c.facts[fact]),
    })),
  });
  if (c.steps.length > 0) {
    body.push(heading("Steps the employee was given"));
    c.steps.forEach((s, i) => body.push(para(`${i + 1}. ${s}`, { spacing: "Small" })));
  }
  if (c.citations.length > 0) {
    body.push(heading("Sources"));
    c.citations.forEach((q, i) => {
      body.push(
        para([
          run(`[${i + 1}] ${q.title ?? q.source}${q.date ? `, ${q.date}` : ""}`, { weight: "Bolder", size: "Small" }),
        ]),
      );
      body.push(para([run(`“${truncate(q.quote, quoteMax)}”`, { italic: true, size: "Small" })], { spacing: "None" }));
    });
  }

  const actions: CardElement[] = [];
  if (c.status === "open") actions.push(submit("Claim", caseOp("claim", c), "positive"));
  if (c.status === "open" || c.status === "claimed") {
    actions.push(messageForm(c, "Message the employee", "Your message (sent to the employee directly)"));
    actions.push(
      showCard(
        "Resolve",
        [
          choiceSet(
            "outcome",
            "Outcome",
            OUTCOMES.map((o) => ({ title: OUTCOME_LABELS[o], value: o })),
            "advised",
            { isRequired: true, errorMessage: "Choose an outcome" },
          ),
          {
            type: "Input.Text",
            id: "note",
            label: "Note for the employee (optional)",
            isMultiline: true,
            maxLength: 2900,
          },
        ],
        [submit("Resolve case", caseOp("resolve", c), "positive")],
      ),
    );
  }
  if (c.status === "resolved" || c.status === "cancelled") actions.push(submit("Reopen", caseOp("reopen", c)));

  const built = card(body, actions);
  if (cardBytes(built) > MAX_CARD_BYTES && quoteMax > 60) return caseCard(c, nameOf, Math.floor(quoteMax / 3));
  return { text: `Case ${c.ref} (${c.queue}): ${status}`, card: built };
}

/** `cases`: the asker's own escalations, and for legal staff the open cases of their queues. */
export function casesCard(list: CaseList): CardMessage {
  const body: CardElement[] = [];
  const line = (c: CaseView) =>
    para(
      [
        run(`${c.ref} · ${c.status}${c.urgent ? " · urgent" : ""} · ${c.queue}: `, { weight: "Bolder" }),
        run(truncate(c.headline, 200)),
      ],
      {
        spacing: "Small",
      },
    );
  if (list.queues.length > 0) {
    body.push(heading(`Open cases in ${list.queues.join(", ")}`, { size: "Medium" }));
    if (list.legal.length === 0) body.push(para("None right now."));
    for (const c of list.legal) {
      body.push(line(c));
      if (c.status === "open")
        body.push({ type: "ActionSet", actions: [submit(`Claim ${c.ref}`, caseOp("claim", c), "positive")] });
    }
  }
  body.push(heading("Your escalations", { size: "Medium" }));
  if (list.own.length === 0) body.push(para("You have not escalated anything."));
  for (const c of list.own) body.push(line(c));
  return { text: "Your cases", card: card(body) };
}

/** A line in the case thread: who claimed, resolved, reopened or cancelled. */
export function queueNoticeText(p: OutboxPayloads["queue.notice"], nameOf: NameOf = platformName): string {
  const who = nameOf(p.by);
  switch (p.event) {
    case "claimed":
      return `${p.ref}: claimed by ${who}.`;
    case "resolved":
      return `${p.ref}: resolved by ${who}${p.outcome ? ` (${OUTCOME_LABELS[p.outcome]})` : ""}.${p.note ? ` Note: ${p.note}` : ""}`;
    case "reopened":
      return `${p.ref}: reopened by ${who}.${p.reason ? ` Reason: ${p.reason}` : ""}`;
    case "cancelled":
      return `${p.ref}: cancelled by the employee.${p.reason ? ` Reason: ${p.reason}` : ""}`;
  }
}

/** What the employee is told about their case, with a way to write to legal while it is open. */
export function askerNoticeCard(p: OutboxPayloads["asker.notice"], nameOf: NameOf = platformName): CardMessage {
  let text: string;
  switch (p.event) {
    case "opened":
      text = `Your case ${p.ref} was sent to legal staff (${p.queue}). You will hear here when someone takes it. If it is urgent, call ${p.phone} now.`;
      break;
    case "claimed":
      text = `${nameOf(p.by ?? { platform: "teams", userId: "" })} from legal (${p.queue}) is handling your case ${p.ref}.`;
      break;
    case "resolved":
      text = `Your case ${p.ref} was resolved${p.outcome ? `: ${OUTCOME_LABELS[p.outcome]}` : ""}.${p.note ? ` Note from legal: ${p.note}` : ""}`;
      break;
    case "reopened":
      text = `Your case ${p.ref} was reopened by legal staff.${p.reason ? ` Reason: ${p.reason}` : ""}`;
      break;
    case "cancelled":
      text = `Your case ${p.ref} was cancelled.`;
      break;
  }
  const body = [para(text, { id: "notice" }), small(`Phone for ${p.queue}: ${p.phone}`)];
  const open = p.event === "opened" || p.event === "claimed" || p.event === "reopened";
  const actions = open
    ? [
        messageForm({ id: p.caseId } as CaseView, "Write to legal", "Your message (goes to the case thread)"),
        submit("Cancel my case", caseOp("cancel", { id: p.caseId })),
      ]
    : [];
  return { text, card: card(body, actions) };
}

/** A lawyer's message, delivered to the employee. */
export function relayToAskerCard(p: OutboxPayloads["relay.to-asker"], nameOf: NameOf = platformName): CardMessage {
  const text = `Message from ${nameOf(p.from)} (legal) about your case ${p.ref}:`;
  return {
    text: `${text} ${p.text}`,
    card: card(
      [para([run(text, { weight: "Bolder" })], { id: "relay" }), para(p.text)],
      [messageForm({ id: p.caseId } as CaseView, "Reply", "Your reply (goes to legal)")],
    ),
  };
}

export function relayToLegalText(p: OutboxPayloads["relay.to-legal"]): string {
  return `${p.ref}: the employee wrote: ${p.text}`;
}

export function reminderText(
  m:
    | { kind: "reminder.unclaimed"; payload: OutboxPayloads["reminder.unclaimed"] }
    | { kind: "reminder.idle"; payload: OutboxPayloads["reminder.idle"] },
): string {
  if (m.kind === "reminder.unclaimed") {
    const p = m.payload;
    return `${p.urgent ? "URGENT: " : ""}${p.ref} has waited ${p.waitingMinutes} minutes and nobody has claimed it${p.toBackup ? ` (you are the backup for ${p.queue})` : ""}.`;
  }
  const p = m.payload;
  return `Reminder: your case ${p.ref} (${p.queue}) has had no activity for ${p.idleMinutes} minutes.`;
}
