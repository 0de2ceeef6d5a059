/**
 * Block Kit for escalation, as pure functions: the case card in a queue's legal channel, the
 * lines in its thread, the direct messages to the asker, the lawyers' modals and the case
 * list. Every text a person typed (relays, notes) is escaped, so `<!channel>` or a link
 * cannot ride along; every field stays within Slack's limits (see blocks.ts).
 */
import type { types } from "@slack/bolt";
import { MAX_TEXT } from "../../escalation/service.js";
import {
  OUTCOMES,
  OUTCOME_LABELS,
  type CaseList,
  type CaseView,
  type Outcome,
  type OutboxPayloads,
  type UserRef,
} from "../../escalation/types.js";
import type { Queue, Role } from "../../policy/vocabulary.js";
import {
  button,
  escapeMrkdwn,
  LIMITS,
  mrkdwn,
  option,
  plain,
  sections,
  truncate,
  type SlackMessage,
} from "./blocks.js";
import { CORRECTABLE, FACT_LABELS, ROLE_LABELS } from "./labels.js";

type KnownBlock = types.KnownBlock;

/** Action ids of the case buttons (value: the case id). */
export const CASE_ACTIONS = {
  claim: "case:claim",
  message: "case:message",
  resolve: "case:resolve",
  reopen: "case:reopen",
  /** The asker's "Cancel my case", under what they are told while the case is open. */
  cancel: "case:cancel",
} as const;

/** Callback ids of the lawyers' modals (private_metadata: {caseId, ref}). */
export const CASE_VIEWS = { message: "case:message", resolve: "case:resolve" } as const;

/** Block and action ids inside the modals. */
export const MODAL_FIELDS = {
  text: "text",
  outcome: "outcome",
  note: "note",
} as const;

export const QUEUE_LABELS: Record<Queue, string> = {
  "doe-legal": "the DOE Office of Legal Services",
  "nypd-legal": "the NYPD Legal Bureau",
  "agency-counsel": "agency counsel",
};

/** Someone named in a message: a Slack mention, or a plain word for another platform. */
export function who(user: UserRef | null | undefined, otherwise = "someone"): string {
  if (!user) return otherwise;
  return user.platform === "slack" ? `<@${user.userId}>` : `${otherwise} (on ${escapeMrkdwn(user.platform)})`;
}

/** A time Slack shows in the reader's own time zone. */
function when(iso: string | null): string {
  if (!iso) return "";
  const epoch = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${epoch}^{date_short_pretty} at {time}|${iso.slice(0, 16).replace("T", " ")} UTC>`;
}

/** Quoted, escaped text a person typed (each line a quote line). */
function quoted(text: string, max = MAX_TEXT): string {
  return `>${truncate(escapeMrkdwn(text), max).replaceAll("\n", "\n>")}`;
}

function roleLabel(role: string): string {
  return ROLE_LABELS[role as Role] ?? escapeMrkdwn(role);
}

function outcomeLabel(outcome: Outcome | null | undefined): string {
  return outcome ? (OUTCOME_LABELS[outcome] ?? outcome) : "no outcome";
}

// ---------------------------------------------------------------------------------------
// The case card

export function statusText(c: CaseView): string {
  switch (c.status) {
    case "open":
      return ":large_yellow_circle: *Open*: nobody has claimed it yet.";
    case "claimed":
      return `:large_blue_circle: *Claimed* by ${who(c.owner)}${c.claimedAt ? ` ${when(c.claimedAt)}` : ""}.`;
    case "resolved":
      return `:white_check_mark: *Resolved* by ${who(c.owner)}: *${outcomeLabel(c.outcome)}*${
        c.flaggedForPolicy ? " (flagged for the policy authors)" : ""
      }.`;
    case "cancelled":
      return ":no_entry_sign: *Cancelled* by the employee.";
  }
}

function caseButtons(c: CaseView): types.Button[] {
  switch (c.status) {
    case "open":
      return [
        button("Claim", CASE_ACTIONS.claim, c.id, "primary"),
        button("Message the employee", CASE_ACTIONS.message, c.id),
        button("Resolve", CASE_ACTIONS.resolve, c.id),
      ];
    case "claimed":
      return [
        button("Message the employee", CASE_ACTIONS.message, c.id),
        button("Resolve", CASE_ACTIONS.resolve, c.id, "primary"),
      ];
    default:
      return [button("Reopen", CASE_ACTIONS.reopen, c.id)];
  }
}

/** The card posted in the queue's legal channel, and updated in place on every change. */
export function caseCard(c: CaseView): SlackMessage {
  const blocks: KnownBlock[] = [];
  blocks.push({
    type: "header",
    block_id: "case-header",
    text: plain(`${c.urgent ? "Urgent: " : ""}Case ${c.ref}`, LIMITS.headerText),
  });
  blocks.push({ type: "section", block_id: "case-status", text: mrkdwn(statusText(c)) });
  blocks.push({
    type: "section",
    block_id: "case-who",
    fields: [
      mrkdwn(`*Employee*\n${who(c.asker)}, ${roleLabel(c.asker.role)}`, 2000),
      mrkdwn(`*Queue*\n\`${c.queue}\``, 2000),
      mrkdwn(`*Opened*\n${when(c.createdAt)}`, 2000),
      mrkdwn(`*Rule applied*\n\`${c.decision}\`, as of ${escapeMrkdwn(c.asOf)}`, 2000),
    ],
  });
  blocks.push({
    type: "section",
    block_id: "case-told",
    text: mrkdwn(`*What the employee was told:* ${escapeMrkdwn(c.headline)}`),
  });
  if (c.questionExcerpt) {
    blocks.push({
      type: "section",
      block_id: "case-question",
      text: mrkdwn(`*They asked (redacted):*\n${quoted(c.questionExcerpt, 1000)}`),
    });
  }
  const facts = (["role", ...CORRECTABLE] as const)
    .map((f) => (FACT_LABELS[f] as Record<string, string>)[c.facts?.[f] as string])
    .filter(Boolean);
  if (facts.length > 0) {
    blocks.push({
      type: "context",
      block_id: "case-facts",
      elements: [mrkdwn(`*Understood:* ${facts.map((f) => escapeMrkdwn(f!)).join(" · ")}`)],
    });
  }
  if (c.steps.length > 0) {
    blocks.push(
      ...sections(
        ["*Steps the employee was given*", ...c.steps.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`)],
        "case-steps",
      ).slice(0, 4),
    );
  }
  if (c.citations.length > 0) {
    const lines = ["*Sources quoted*"];
    c.citations.slice(0, 8).forEach((q, i) => {
      const title = [q.title, q.date]
        .filter(Boolean)
        .map((t) => escapeMrkdwn(t!))
        .join(", ");
      lines.push(`*[${i + 1}]* ${title || escapeMrkdwn(q.source)}\n>“${truncate(escapeMrkdwn(q.quote), 500)}”`);
    });
    blocks.push(...sections(lines, "case-sources").slice(0, 4));
  }
  if (c.status === "resolved" && c.note) {
    blocks.push({ type: "section", block_id: "case-note", text: mrkdwn(`*Note:*\n${quoted(c.note)}`) });
  }
  blocks.push({ type: "actions", block_id: `case-actions:${c.ref}`, elements: caseButtons(c) });
  blocks.push({
    type: "context",
    block_id: "case-footer",
    elements: [
      mrkdwn(
        "Only this queue's legal staff can claim, message the employee or resolve. Replies in this thread stay among legal staff; *Message the employee* writes to them.",
      ),
    ],
  });
  const status = c.status === "claimed" ? `claimed` : c.status;
  return {
    text: truncate(`${c.urgent ? "Urgent: " : ""}Case ${c.ref} (${c.queue}), ${status}: ${c.headline}`, 300),
    blocks,
  };
}

// ---------------------------------------------------------------------------------------
// Lines in the case thread

function lines(text: string, blockId: string, extra: KnownBlock[] = []): SlackMessage {
  const plainText = text.replace(/[*_]/g, "");
  return {
    text: truncate(plainText, 300),
    blocks: [{ type: "section", block_id: blockId, text: mrkdwn(text) }, ...extra],
  };
}

export function queueNoticeMessage(p: OutboxPayloads["queue.notice"]): SlackMessage {
  switch (p.event) {
    case "claimed":
      return lines(`${who(p.by)} claimed case ${p.ref}.`, "notice");
    case "resolved":
      return lines(
        `${who(p.by)} resolved case ${p.ref}: *${outcomeLabel(p.outcome)}*.${p.note ? `\n${quoted(p.note)}` : ""}`,
        "notice",
      );
    case "reopened":
      return lines(`${who(p.by)} reopened case ${p.ref}.${p.reason ? `\n${quoted(p.reason)}` : ""}`, "notice");
    case "cancelled":
      return lines(`The employee cancelled case ${p.ref}.${p.reason ? `\n${quoted(p.reason)}` : ""}`, "notice");
  }
}

export function relayToLegalMessage(p: OutboxPayloads["relay.to-legal"]): SlackMessage {
  return lines(`*${who(p.from, "The employee")} (the employee) wrote:*\n${quoted(p.text)}`, "relay");
}

/** The copy of a lawyer's message to the employee, kept in the case thread for colleagues. */
export function relayCopyMessage(p: OutboxPayloads["relay.to-asker"]): SlackMessage {
  return lines(`*${who(p.from, "Legal staff")} to the employee:*\n${quoted(p.text)}`, "relay-copy");
}

export function reminderUnclaimedMessage(
  p: OutboxPayloads["reminder.unclaimed"],
  channel: string | undefined,
): SlackMessage {
  const waiting = `has waited ${p.waitingMinutes} minute${p.waitingMinutes === 1 ? "" : "s"}`;
  if (p.toBackup) {
    return lines(
      `:alarm_clock: Case ${p.ref}${p.urgent ? " (*urgent*)" : ""} for ${QUEUE_LABELS[p.queue]} ${waiting} and nobody has claimed it. You are its backup${
        channel ? `: the card is in <#${channel}>` : ""
      }.`,
      "reminder",
    );
  }
  return lines(
    `:alarm_clock: Case ${p.ref}${p.urgent ? " (*urgent*)" : ""} ${waiting} and nobody has claimed it. Claim it above.`,
    "reminder",
  );
}

export function reminderIdleMessage(p: OutboxPayloads["reminder.idle"]): SlackMessage {
  return lines(
    `:hourglass: Your case ${p.ref} has had no activity for ${p.idleMinutes} minutes. Message the employee, or resolve it when it is done.`,
    "reminder",
  );
}

// ---------------------------------------------------------------------------------------
// Direct messages to the asker

/** "Cancel my case", behind a confirmation, for the asker while the case is open or claimed. */
function askerCancelActions(caseId: string, ref: string): KnownBlock {
  return {
    type: "actions",
    block_id: `asker-cancel:${ref}`,
    elements: [
      {
        ...button("Cancel my case", CASE_ACTIONS.cancel, caseId, "danger"),
        confirm: {
          title: plain("Cancel this case?", LIMITS.confirmTitle),
          text: plain(`Cancel case ${ref}? Legal staff will be told.`, LIMITS.confirmText),
          confirm: plain("Cancel my case", LIMITS.confirmButton),
          deny: plain("Keep it open", LIMITS.confirmButton),
          style: "danger",
        },
      },
    ],
  };
}

export function askerNoticeMessage(p: OutboxPayloads["asker.notice"]): SlackMessage {
  const phone = escapeMrkdwn(p.phone);
  switch (p.event) {
    case "opened":
      return lines(
        `*Case ${p.ref} is open.* I've asked ${QUEUE_LABELS[p.queue]}; a lawyer will write to you here. To add details, reply in this thread (while the case is open, any message you send me goes to them). If it cannot wait, call ${phone}.`,
        "asker-notice",
        [askerCancelActions(p.caseId, p.ref)],
      );
    case "claimed":
      return lines(
        `${who(p.by, "A lawyer")} from ${QUEUE_LABELS[p.queue]} has taken your case ${p.ref}.`,
        "asker-notice",
        [askerCancelActions(p.caseId, p.ref)],
      );
    case "resolved":
      return lines(
        `*Your case ${p.ref} is resolved:* ${outcomeLabel(p.outcome)}.${
          p.note ? `\nNote from ${who(p.by, "the lawyer")}:\n${quoted(p.note)}` : ""
        }\nIf you still need help, reopen it or call ${phone}.`,
        "asker-notice",
        [
          {
            type: "actions",
            block_id: `asker-reopen:${p.ref}`,
            elements: [button("Reopen", CASE_ACTIONS.reopen, p.caseId)],
          },
        ],
      );
    case "reopened":
      return lines(`Your case ${p.ref} was reopened by ${who(p.by, "legal staff")}.`, "asker-notice", [
        askerCancelActions(p.caseId, p.ref),
      ]);
    case "cancelled":
      return lines(`Your case ${p.ref} was cancelled.`, "asker-notice");
  }
}

export function relayToAskerMessage(p: OutboxPayloads["relay.to-asker"]): SlackMessage {
  return lines(`*${who(p.from, "Legal staff")} (legal staff) about your case ${p.ref}:*\n${quoted(p.text)}`, "relay", [
    {
      type: "context",
      block_id: "relay-hint",
      elements: [mrkdwn("Reply in this thread to answer: your reply goes to the legal staff on this case.")],
    },
  ]);
}

// ---------------------------------------------------------------------------------------
// What the asker sees when they click "Escalate to legal"

/** The case is open (or was already): its reference, who was asked, the phone number. */
export function escalatedMessage(c: CaseView, phone: string): SlackMessage {
  const text = `*Case ${c.ref} is open: I've asked ${QUEUE_LABELS[c.queue]}.* A lawyer will write to you in your direct messages with me. ${
    c.urgent ? "If agents are there now, don't wait:" : "To reach them now,"
  } call ${escapeMrkdwn(phone)}.`;
  const open = c.status === "open" || c.status === "claimed";
  return lines(text, "escalated", open ? [askerCancelActions(c.id, c.ref)] : []);
}

/** What replaces the asker's message once they cancelled the case: no button any more. */
export function cancelledMessage(c: { ref: string }, phone: string): SlackMessage {
  return lines(
    `:no_entry_sign: *Case ${c.ref} is cancelled.* Legal staff have been told. If you still need help, ask me again or call ${escapeMrkdwn(phone)}.`,
    "asker-cancelled",
  );
}

/** The case system is unavailable: the answer still stands; call the queue's number. */
export function escalationDownMessage(view: { queue: Queue; phone: string; contacts: string[] }): SlackMessage {
  const call =
    view.contacts.length > 0 ? `\n*Who to call:*\n${view.contacts.map((c) => `• ${escapeMrkdwn(c)}`).join("\n")}` : "";
  return lines(
    `:warning: *I could not open a case just now*: the case system is unavailable, so no one has been told. Call ${QUEUE_LABELS[view.queue]} now: *${escapeMrkdwn(view.phone)}*.${call}`,
    "escalation-down",
  );
}

// ---------------------------------------------------------------------------------------
// Lawyers' modals

function metadata(caseId: string, ref: string): string {
  return JSON.stringify({ caseId, ref });
}

/** {caseId, ref} from a modal's private_metadata, or undefined. */
export function readMetadata(value: string | undefined): { caseId: string; ref: string } | undefined {
  try {
    const parsed = JSON.parse(value ?? "") as { caseId?: unknown; ref?: unknown };
    if (typeof parsed.caseId === "string" && typeof parsed.ref === "string") {
      return { caseId: parsed.caseId, ref: parsed.ref };
    }
  } catch {
    // not ours
  }
  return undefined;
}

export function messageModal(caseId: string, ref: string): types.ModalView {
  return {
    type: "modal",
    callback_id: CASE_VIEWS.message,
    private_metadata: metadata(caseId, ref),
    title: plain("Message the employee", LIMITS.viewTitle),
    submit: plain("Send", LIMITS.viewTitle),
    close: plain("Cancel", LIMITS.viewTitle),
    blocks: [
      {
        type: "section",
        block_id: "intro",
        text: mrkdwn(
          `To the employee who opened *${escapeMrkdwn(ref)}*, by direct message from the bot. Their replies come back to the case thread.`,
        ),
      },
      {
        type: "input",
        block_id: MODAL_FIELDS.text,
        label: plain("Message", 2000),
        element: {
          type: "plain_text_input",
          action_id: MODAL_FIELDS.text,
          multiline: true,
          max_length: MAX_TEXT,
          focus_on_load: true,
        },
      },
    ],
  };
}

export function resolveModal(caseId: string, ref: string): types.ModalView {
  return {
    type: "modal",
    callback_id: CASE_VIEWS.resolve,
    private_metadata: metadata(caseId, ref),
    title: plain("Resolve case", LIMITS.viewTitle),
    submit: plain("Resolve", LIMITS.viewTitle),
    close: plain("Cancel", LIMITS.viewTitle),
    blocks: [
      {
        type: "section",
        block_id: "intro",
        text: mrkdwn(`Close *${escapeMrkdwn(ref)}*. The employee is told the outcome and your note.`),
      },
      {
        type: "input",
        block_id: MODAL_FIELDS.outcome,
        label: plain("Outcome", 2000),
        element: {
          type: "static_select",
          action_id: MODAL_FIELDS.outcome,
          placeholder: plain("Choose the outcome", LIMITS.placeholder),
          options: OUTCOMES.map((o) => option(OUTCOME_LABELS[o], o)),
        },
      },
      {
        type: "input",
        block_id: MODAL_FIELDS.note,
        optional: true,
        label: plain("Note to the employee", 2000),
        element: { type: "plain_text_input", action_id: MODAL_FIELDS.note, multiline: true, max_length: MAX_TEXT },
      },
      {
        type: "context",
        block_id: "hint",
        elements: [mrkdwn(`"${OUTCOME_LABELS["sources-do-not-cover"]}" flags the case for the policy authors.`)],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------
// `/ice-protocol cases`

function caseLine(c: CaseView, legal: boolean): string {
  const parts = [`*${c.ref}*`];
  if (c.urgent) parts.push("urgent");
  parts.push(c.status === "claimed" ? `claimed by ${who(c.owner)}` : c.status);
  if (legal) parts.push(`\`${c.queue}\``);
  parts.push(`opened ${when(c.createdAt)}`);
  return `• ${parts.join(" · ")}: ${truncate(escapeMrkdwn(c.headline), 150)}`;
}

export function casesMessage(list: CaseList): SlackMessage {
  const out: string[] = [];
  if (list.queues.length > 0) {
    out.push(`*Open cases in your queues* (${list.queues.map((q) => `\`${q}\``).join(", ")})`);
    if (list.legal.length === 0) out.push("None: every case is claimed or closed.");
    else out.push(...list.legal.map((c) => caseLine(c, true)));
  }
  if (list.own.length > 0 || list.queues.length === 0) {
    out.push("*Your escalations*");
    if (list.own.length === 0) out.push("You have not escalated anything to legal staff.");
    else out.push(...list.own.map((c) => caseLine(c, false)));
  }
  return { text: "Cases", blocks: sections(out, "cases").slice(0, LIMITS.messageBlocks) };
}

export function notConfiguredMessage(): SlackMessage {
  return lines(
    "Escalation to legal staff is not configured on this bot, so there are no cases. The *Escalate to legal* button under an answer shows who to call.",
    "cases-off",
  );
}

export function casesDownMessage(phones: { queue: Queue; phone: string }[]): SlackMessage {
  return lines(
    `:warning: The case list is unavailable just now. To reach counsel: ${phones
      .map((p) => `${QUEUE_LABELS[p.queue]}, ${escapeMrkdwn(p.phone)}`)
      .join("; ")}.`,
    "cases-down",
  );
}

export function refusalMessage(text: string): SlackMessage {
  return lines(`:no_entry: ${escapeMrkdwn(text)}`, "refusal");
}
