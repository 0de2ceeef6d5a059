/**
 * Block Kit for every Slack surface, as pure functions: an Answer (plus the state its
 * buttons carry) in, blocks out. No I/O, no clock. Every function keeps within Slack's
 * documented limits (docs.slack.dev, block and element reference pages), because Slack
 * refuses a whole message for one over-long field (`invalid_blocks`):
 *
 *   a message at most 50 blocks (modals and App Home 100); section text 3000 characters;
 *   header plain_text 150; button text 75, value 2000; select placeholder 150, option text
 *   75, option value 150, 100 options; action_id 255 and unique in its block; block_id 255
 *   and unique in the message; actions block 25 elements; context block 10 elements;
 *   modal title, close and submit 24; a confirm dialog's title 100, text 300, buttons 30.
 */
import type { types } from "@slack/bolt";
import type { Answer } from "../../core/decide.js";
import type { PhrasedView } from "../../phrasing/index.js";
import type { PolicyPack } from "../../policy/load.js";
import { FACT_VALUES, ROLES, type FactName, type Role } from "../../policy/vocabulary.js";
import { CORRECTABLE, EXAMPLES, FACT_LABELS, ROLE_LABELS, type CorrectableFact } from "./labels.js";
import { encodeState, type SlackState } from "./state.js";

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
type PlainTextOption = types.PlainTextOption;
type StaticSelect = types.StaticSelect;
type Button = types.Button;

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  options: 100,
  blockId: 255,
  actionId: 255,
  viewTitle: 24,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

/** Action ids the listeners match on. */
export const ACTIONS = {
  /** `fact:<name>`: a correction from the "what I understood" line. */
  factPrefix: "fact:",
  /** `clarify:<fact>:<n>`: an answer to a clarifying question. */
  clarifyPrefix: "clarify:",
  /** The role menu inside an answer: remembered, and the answer recomputed. */
  roleInAnswer: "role:answer",
  /** The role menu of `/ice-protocol role`: remembered, confirmed. */
  rolePick: "role:pick",
  /** The role menu of App Home. */
  homeRole: "home:role",
  escalate: "escalate",
  /** `example:<n>`: ask one of the example questions. */
  examplePrefix: "example:",
} as const;

export interface SlackMessage {
  /** The notification and screen-reader text: the headline. */
  text: string;
  blocks: KnownBlock[];
}

// ---------------------------------------------------------------------------------------
// Text helpers

/** Slack's mrkdwn needs &, < and > escaped; everything else is shown as written. */
export function escapeMrkdwn(text: string): string {
  // Most text has none of the three: one scan instead of three copies.
  if (!MRKDWN_SPECIAL.test(text)) return text;
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
const MRKDWN_SPECIAL = /[&<>]/;

/**
 * At most `max` characters, cut at a word boundary near the end when there is one, with an
 * ellipsis; never inside a surrogate pair or an escaped entity such as "&amp;".
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const space = text.lastIndexOf(" ", cut);
  if (space > max * 0.8) cut = space;
  let head = text.slice(0, cut);
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  head = head.replace(/&[a-z]{0,4}$/, "");
  return `${head.trimEnd()}…`;
}

export function plain(text: string, max: number): types.PlainTextElement {
  return { type: "plain_text", text: truncate(text, max) };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText): types.MrkdwnElement {
  return { type: "mrkdwn", text: truncate(text, max) };
}

/**
 * Lines packed into as few sections as the 3000-character limit allows; a single line over
 * the limit is truncated on its own.
 */
export function sections(lines: string[], blockId: string): SectionBlock[] {
  const out: SectionBlock[] = [];
  let current = "";
  const flush = () => {
    if (current) out.push({ type: "section", block_id: `${blockId}-${out.length}`, text: mrkdwn(current) });
    current = "";
  };
  for (const line of lines) {
    const fitted = truncate(line, LIMITS.sectionText);
    if (current && current.length + 1 + fitted.length > LIMITS.sectionText) flush();
    current = current ? `${current}\n${fitted}` : fitted;
  }
  flush();
  return out;
}

export function option(text: string, value: string): PlainTextOption {
  if (value.length > LIMITS.optionValue) throw new Error(`option value over ${LIMITS.optionValue} characters`);
  return { text: plain(text, LIMITS.optionText), value };
}

export function button(text: string, actionId: string, value: string, style?: "primary" | "danger"): Button {
  if (value.length > LIMITS.buttonValue) throw new Error(`button value over ${LIMITS.buttonValue} characters`);
  return {
    type: "button",
    text: plain(text, LIMITS.buttonText),
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// Answers

export interface AnswerView {
  answer: Answer;
  /** What the buttons carry to answer again (facts, signals, pinned date; never the text). */
  state: SlackState;
  /** The asker's remembered role; when unset and it matters, the answer asks for it. */
  profileRole?: Role;
  /** The answer sits in a channel thread others can read: remind the asker a DM is private. */
  publicThread?: boolean;
  /**
   * Checked phrasing of the citations (deliverAnswer): each citation with a summary shows it,
   * labelled, above its quote, labelled as the source text. Absent or template: quotes only.
   */
  phrased?: PhrasedView<Answer>;
}

/** Does the asker's role change this answer (who to call, or the decision itself)? */
export function roleMatters(answer: Answer): boolean {
  return (
    answer.escalate.offered || answer.clarify.some((q) => q.fact === "role") || answer.decision.startsWith("NYPD_")
  );
}

/** Should this answer ask the asker for their role (unknown, not remembered, and it matters)? */
export function asksForRole(view: AnswerView): boolean {
  return (
    view.answer.facts.role === "unknown" &&
    (view.profileRole === undefined || view.profileRole === "unknown") &&
    roleMatters(view.answer) &&
    !view.answer.clarify.some((q) => q.fact === "role")
  );
}

/**
 * Where a click finds the state to answer again from: the answer's state travels once, in the
 * block_id of the block clicked ("<name>:<state>"; Slack returns it with every action), and
 * each option or button carries only the fact value it sets. Carrying the whole state in every
 * option would make the correction menus more than half of the answer's bytes.
 */
export function stateBlockId(name: string, stateValue: string): string {
  return `${name}:${stateValue}`;
}

/** The encoded state in a block_id written by stateBlockId, or undefined. */
export function stateInBlockId(blockId: string | undefined): string | undefined {
  const at = blockId?.indexOf(":") ?? -1;
  return at < 0 ? undefined : blockId!.slice(at + 1);
}

/**
 * A correction menu's option carries the value's position in FACT_VALUES (one character), not
 * its name: the menus are most of an answer's bytes. The position is safe to read back because
 * the state in the same block_id names the vocabulary it was written with (state.ts).
 */
function factOptionValue(index: number): string {
  return index.toString(36);
}

/** The fact value a correction menu's option stands for (its position, or its name as before). */
export function factValueOfOption(fact: FactName, value: string): string | undefined {
  const values = FACT_VALUES[fact] as readonly string[];
  if (values.includes(value)) return value;
  const index = /^[0-9a-z]$/.test(value) ? parseInt(value, 36) : -1;
  return values[index];
}

function factSelect(fact: CorrectableFact, current: string): StaticSelect {
  const labels = FACT_LABELS[fact] as Record<string, string>;
  // The menu shows the current value as its placeholder and offers the others.
  const options = (FACT_VALUES[fact] as readonly string[]).flatMap((v, i) =>
    v === current ? [] : [option(labels[v]!, factOptionValue(i))],
  );
  return deepFreeze({
    type: "static_select",
    action_id: `${ACTIONS.factPrefix}${fact}`,
    placeholder: plain(labels[current]!, LIMITS.placeholder),
    options,
  });
}

/**
 * Every correction menu there can be (one per fact and current value), built once: they hold no
 * state (that travels in the block_id), so every answer shares them. Frozen, being shared.
 */
const FACT_SELECTS = new Map(
  CORRECTABLE.map((fact) => [
    fact,
    new Map((FACT_VALUES[fact] as readonly string[]).map((v) => [v, factSelect(fact, v)])),
  ]),
);

function factSelectFor(state: SlackState, fact: CorrectableFact): StaticSelect {
  return FACT_SELECTS.get(fact)?.get(state.facts[fact]) ?? factSelect(fact, state.facts[fact]);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function roleOptions(valueOf: (role: Role) => string): PlainTextOption[] {
  return ROLES.filter((r) => r !== "unknown").map((r) => option(ROLE_LABELS[r], valueOf(r)));
}

/**
 * A citation's quote as shown: escaped, very long ones cut with an ellipsis, a line break
 * continuing the quote on the next line. The pack's few hundred excerpts come back in answer
 * after answer, so each is worked out once (the cache is emptied if it ever grows past that).
 */
function quoteShown(quote: string): string {
  let shown = QUOTES_SHOWN.get(quote);
  if (shown === undefined) {
    shown = truncate(escapeMrkdwn(quote), 900).replaceAll("\n", "\n>");
    if (QUOTES_SHOWN.size >= 5000) QUOTES_SHOWN.clear();
    QUOTES_SHOWN.set(quote, shown);
  }
  return shown;
}
const QUOTES_SHOWN = new Map<string, string>();

function citationMarks(refs: number[]): string {
  return refs.map((i) => `[${i + 1}]`).join("");
}

export function answerBlocks(view: AnswerView): KnownBlock[] {
  const { answer, state } = view;
  const blocks: KnownBlock[] = [];
  const stateValue = encodeState(state);

  // 1. The decision, first, in one plain line.
  blocks.push({ type: "section", block_id: "headline", text: mrkdwn(`*${escapeMrkdwn(answer.headline)}*`) });
  if (answer.notes.length > 0) {
    blocks.push({
      type: "context",
      block_id: "notes",
      elements: [mrkdwn(answer.notes.map((n) => escapeMrkdwn(n)).join("\n"))],
    });
  }

  // 2. What to do, numbered, each step with its citation marks.
  const steps = answer.steps.map((step, i) => {
    const marks = citationMarks(answer.stepCitations[i] ?? []);
    return `${i + 1}. ${escapeMrkdwn(step)}${marks ? ` ${marks}` : ""}`;
  });
  blocks.push(...sections(steps, "steps"));

  // 3. Clarifying questions: one tap answers again with the new fact.
  answer.clarify.slice(0, 4).forEach((q) => {
    blocks.push({ type: "section", block_id: `clarify-${q.fact}`, text: mrkdwn(`*${escapeMrkdwn(q.question)}*`) });
    blocks.push({
      type: "actions",
      block_id: stateBlockId(`clarify-${q.fact}`, stateValue),
      elements: q.options
        .slice(0, LIMITS.actionsElements)
        .map((label, i) => button(label, `${ACTIONS.clarifyPrefix}${q.fact}:${i}`, q.values[i]!)),
    });
  });

  // 4. The citations: source title, date, and the verbatim quote.
  if (answer.citations.length > 0) {
    blocks.push({ type: "divider", block_id: "sources-divider" });
    const lines = ["*Sources*"];
    answer.citations.forEach((c, i) => {
      // Verbatim, spacing included (the garbled source is quoted as received); a line break
      // continues the quote on the next line. Very long quotes are cut with an ellipsis.
      const quote = quoteShown(c.quote);
      const cited = view.phrased?.citations[i];
      const summary = cited?.id === c.id ? cited.summary : undefined;
      if (summary && cited) {
        // The model's checked sentence first, labelled; the quote stays verbatim, labelled.
        lines.push(
          `*[${i + 1}]* ${escapeMrkdwn(c.title)}, ${escapeMrkdwn(c.date)}\n` +
            `_${escapeMrkdwn(summary.label)}:_ ${escapeMrkdwn(truncate(summary.text, 600))}\n` +
            `_${escapeMrkdwn(cited.sourceText.label)}:_\n>“${quote}”`,
        );
      } else {
        lines.push(`*[${i + 1}]* ${escapeMrkdwn(c.title)}, ${escapeMrkdwn(c.date)}\n>“${quote}”`);
      }
    });
    blocks.push(...sections(lines, "sources"));
  }

  // 5. Who to call, and the escalation button.
  blocks.push({ type: "divider", block_id: "contacts-divider" });
  if (answer.contacts.length > 0) {
    const title = answer.escalate.urgent
      ? "*Call now (urgent):*"
      : answer.escalate.required
        ? "*Who to call:*"
        : "*If you need counsel:*";
    blocks.push({
      type: "section",
      block_id: "contacts",
      text: mrkdwn([title, ...answer.contacts.map((c) => `• ${escapeMrkdwn(c)}`)].join("\n")),
    });
  }
  blocks.push({
    type: "actions",
    block_id: "escalate",
    elements: [
      button("Escalate to legal", ACTIONS.escalate, stateValue, answer.escalate.urgent ? "danger" : "primary"),
    ],
  });

  // 6. What I understood, each fact correctable with one tap.
  const askRole = asksForRole(view);
  const you = askRole ? "" : ` ${FACT_LABELS.role[answer.facts.role]} (\`/ice-protocol role\` changes it).`;
  blocks.push({
    type: "context",
    block_id: "understood",
    elements: [mrkdwn(`*What I understood* (tap a box to correct it).${you}`)],
  });
  blocks.push({
    type: "actions",
    // The state in the block_id; a new block_id per state also makes Slack redraw the menus.
    block_id: stateBlockId("understood", stateValue),
    elements: CORRECTABLE.map((fact) => factSelectFor(state, fact)),
  });

  // 7. The asker's role, asked once when it matters and then remembered.
  if (askRole) {
    blocks.push({
      type: "section",
      block_id: stateBlockId("role-prompt", stateValue),
      text: mrkdwn("*Which best describes you?* I'll remember it, so answers name the right people to call."),
      accessory: {
        type: "static_select",
        action_id: ACTIONS.roleInAnswer,
        placeholder: plain("Choose your role", LIMITS.placeholder),
        options: roleOptions((r) => r),
      },
    });
  }

  // 8. As of when, which rule, and (in a channel) the privacy reminder.
  const footer = [
    `As of ${answer.asOf} · ${answer.decision} (rule ${answer.row}) · the City's written protocol, not legal advice.`,
  ];
  if (view.publicThread) {
    footer.push(
      ":lock: Everyone in this channel can read this thread. For anything that names a person, send me a direct message instead: only you will see it.",
    );
  }
  blocks.push({ type: "context", block_id: "footer", elements: footer.map((f) => mrkdwn(f)) });

  return fitBlocks(blocks, LIMITS.messageBlocks);
}

/** Never more blocks than Slack takes: drop from the end, keeping the footer. */
function fitBlocks(blocks: KnownBlock[], max: number): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const footer = blocks[blocks.length - 1]!;
  return [...blocks.slice(0, max - 1), footer];
}

export function answerMessage(view: AnswerView): SlackMessage {
  return { text: truncate(view.answer.headline, 3000), blocks: answerBlocks(view) };
}

// ---------------------------------------------------------------------------------------
// Help, sources, role

export function helpMessage(intro?: string): SlackMessage {
  const blocks: KnownBlock[] = [];
  if (intro) blocks.push({ type: "context", block_id: "intro", elements: [mrkdwn(escapeMrkdwn(intro))] });
  blocks.push(
    {
      type: "section",
      block_id: "what",
      text: mrkdwn(
        "*Tell me what is happening, and I'll tell you what to do.* I answer from the City's written protocol on immigration and other law-enforcement agents at City sites, with the exact quotes and who to call. Only you see my answer to `/ice-protocol`.",
      ),
    },
    {
      type: "section",
      block_id: "how",
      text: mrkdwn(
        [
          "*How to ask*",
          "`/ice-protocol ICE agents are at the front desk of my school without a warrant`",
          "`/ice-protocol role` tell me your role once (school staff, NYPD, hospital...) so answers name the right people",
          "`/ice-protocol sources` the policy sources I quote, with their dates",
          "`/ice-protocol help` this message",
          "You can also send me a direct message, or @mention me in a channel (I answer in a thread).",
        ].join("\n"),
      ),
    },
    { type: "context", block_id: "examples-title", elements: [mrkdwn("*Try an example:*")] },
    {
      type: "actions",
      block_id: "examples",
      elements: EXAMPLES.map((q, i) => button(q, `${ACTIONS.examplePrefix}${i}`, String(i))),
    },
    {
      type: "context",
      block_id: "footer",
      elements: [
        mrkdwn(
          "In an emergency, call 911. I give the City's written protocol, not legal advice; when in doubt, escalate to counsel.",
        ),
      ],
    },
  );
  return { text: "How to use /ice-protocol", blocks };
}

export function sourcesMessage(pack: PolicyPack): SlackMessage {
  const lines = ["*The policy sources I quote*"];
  for (const s of pack.sources) {
    const from = s.approximateStart
      ? `in force from about ${s.inForceFrom} (the source gives only the year)`
      : `in force from ${s.inForceFrom}`;
    lines.push(`• *${escapeMrkdwn(s.title)}*, ${escapeMrkdwn(s.date)}: ${escapeMrkdwn(s.publisher)}; ${from}.`);
  }
  const blocks: KnownBlock[] = [
    ...sections(lines, "sources"),
    {
      type: "context",
      block_id: "footer",
      elements: [
        mrkdwn(
          `${pack.citations.length} excerpts, each checked word for word against these texts. Before ${pack.sources.map((s) => s.inForceFrom).sort()[0]} none of them was in force.`,
        ),
      ],
    },
  ];
  return { text: "The policy sources I quote", blocks };
}

export function rolePickerMessage(current: Role | undefined): SlackMessage {
  const now =
    current && current !== "unknown"
      ? `Your role now: *${escapeMrkdwn(ROLE_LABELS[current])}*.`
      : "I don't know your role yet.";
  const options = roleOptions((r) => r);
  const initial = current && current !== "unknown" ? options.find((o) => o.value === current) : undefined;
  return {
    text: "Choose your role",
    blocks: [
      {
        type: "section",
        block_id: "role",
        text: mrkdwn(`${now} Which best describes you? I'll remember it, so answers name the right people to call.`),
        accessory: {
          type: "static_select",
          action_id: ACTIONS.rolePick,
          placeholder: plain("Choose your role", LIMITS.placeholder),
          options,
          ...(initial ? { initial_option: initial } : {}),
        },
      },
    ],
  };
}

export function roleSavedMessage(role: Role | undefined): SlackMessage {
  const text =
    role && role !== "unknown"
      ? `Saved: you are *${escapeMrkdwn(ROLE_LABELS[role])}*. Your answers will name the right people to call. Change it any time with \`/ice-protocol role\`.`
      : "I've forgotten your role. Set it again any time with `/ice-protocol role`.";
  return { text: text.replaceAll("*", ""), blocks: [{ type: "section", block_id: "role-saved", text: mrkdwn(text) }] };
}

export function errorMessage(text: string): SlackMessage {
  return { text, blocks: [{ type: "section", block_id: "error", text: mrkdwn(escapeMrkdwn(text)) }] };
}

// ---------------------------------------------------------------------------------------
// Views: escalation without a case system, and App Home

export interface EscalationView {
  queue: string;
  contacts: string[];
  urgent: boolean;
}

/**
 * The "Escalate to legal" modal when escalation is not configured on this bot (no
 * ESCALATION_CONFIG): it sends nothing, says so, and shows who to call.
 */
export function escalateModal(view: EscalationView): types.ModalView {
  const call =
    view.contacts.length > 0 ? view.contacts.map((c) => `• ${escapeMrkdwn(c)}`).join("\n") : "• Your agency counsel";
  return {
    type: "modal",
    callback_id: "escalation-off",
    title: plain("Escalate to legal", LIMITS.viewTitle),
    close: plain("Close", LIMITS.viewTitle),
    blocks: [
      {
        type: "section",
        block_id: "not-sent",
        text: mrkdwn(
          ":telephone_receiver: *Nothing has been sent.* Escalation to legal staff is not configured on this bot, so no one has been told. Call counsel yourself now:",
        ),
      },
      {
        type: "section",
        block_id: "contacts",
        text: mrkdwn(`*${view.urgent ? "Call now (urgent)" : "Who to call"}:*\n${call}`),
      },
      {
        type: "context",
        block_id: "queue",
        elements: [
          mrkdwn(
            `Legal queue for your role: \`${escapeMrkdwn(view.queue)}\`. To open cases from Slack, an administrator sets ESCALATION_CONFIG (see the README).`,
          ),
        ],
      },
    ],
  };
}

export function homeView(role: Role | undefined, pack: PolicyPack, escalationOn = false): types.HomeView {
  const options = roleOptions((r) => r);
  const initial = role && role !== "unknown" ? options.find((o) => o.value === role) : undefined;
  return {
    type: "home",
    blocks: [
      {
        type: "header",
        block_id: "title",
        text: plain("What to do when agents come to a City site", LIMITS.headerText),
      },
      {
        type: "section",
        block_id: "does",
        text: mrkdwn(
          [
            "*What I do*",
            "• Tell you what to do when immigration (ICE, HSI, CBP) or other law-enforcement agents come to City property or ask for City data: the decision first, then numbered steps.",
            "• Quote the City's policy sources word for word, with their dates, and name who to call for your role.",
            "• Answer in a second, as of today or a date you ask about.",
          ].join("\n"),
        ),
      },
      {
        type: "section",
        block_id: "does-not",
        text: mrkdwn(
          [
            "*What I don't do*",
            "• Give legal advice: I give the written protocol; counsel decides anything it does not cover.",
            `• Contact ICE, the police or anyone else for you. ${
              escalationOn
                ? "*Escalate to legal* opens a case with your legal queue: a lawyer writes to you here."
                : "The escalation button shows who to call; it sends nothing on this bot."
            }`,
            escalationOn
              ? "• Keep your questions. I remember your role, and the cases you escalate (redacted)."
              : "• Keep your questions. I remember only your role.",
          ].join("\n"),
        ),
      },
      { type: "divider", block_id: "role-divider" },
      {
        type: "section",
        block_id: "role",
        text: mrkdwn(
          initial
            ? `*Your role:* ${escapeMrkdwn(ROLE_LABELS[role!])}. Answers name the people to call for it.`
            : "*Your role:* not set. Choose it so answers name the right people to call.",
        ),
        accessory: {
          type: "static_select",
          action_id: ACTIONS.homeRole,
          placeholder: plain("Choose your role", LIMITS.placeholder),
          options,
          ...(initial ? { initial_option: initial } : {}),
        },
      },
      { type: "divider", block_id: "examples-divider" },
      {
        type: "section",
        block_id: "examples",
        text: mrkdwn(
          ["*Ask me like this*", ...EXAMPLES.map((q) => `• \`/ice-protocol ${escapeMrkdwn(q)}\``)].join("\n"),
        ),
      },
      {
        type: "context",
        block_id: "footer",
        elements: [
          mrkdwn(
            `Send me a direct message from the Messages tab, or @mention me in a channel. Sources: ${pack.sources.length} City policy texts; \`/ice-protocol sources\` lists them. In an emergency, call 911.`,
          ),
        ],
      },
    ],
  };
}
