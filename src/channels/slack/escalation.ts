/**
 * Escalation in Slack: the listeners between Slack and the EscalationService.
 *
 * - "Escalate to legal" under an answer opens a case from the answer the button stands for.
 *   The idempotency key is the answer message (team, channel, message ts) and the asker, so a
 *   double click or a resent request opens one case. The asker is told the reference at once
 *   (ephemeral); the card and the DM follow through the outbox.
 * - On the card: Claim and Reopen act at once; Message the employee and Resolve open a modal.
 *   The service checks every action (legal staff of the queue, the case's state); a refusal is
 *   shown only to whoever clicked, and changes nothing.
 * - "Cancel my case" (behind a confirm dialog), under what the asker is told while the case is
 *   open: cancelled as the clicker, so only the asker can; their message is then replaced in
 *   place (no button). Legal staff are told through the outbox, like every transition.
 * - A direct message from an asker with a case open (a reply in the thread of a message about
 *   the case, or their next message) is relayed into the case thread.
 * - `/ice-protocol cases`: legal staff see the open cases of their queues, everyone their own.
 *
 * Without an escalation config the button shows who to call and says nothing was sent. With
 * the database down (DatabaseUnavailable), answers still come from the core, and the button
 * gives the queue's phone number.
 */
import type { Logger } from "@slack/bolt";
import { DatabaseUnavailable } from "../../db/errors.js";
import type { EscalationConfig } from "../../escalation/config.js";
import { EscalationError, InvalidTransition, NotAuthorized } from "../../escalation/errors.js";
import type { EscalationService } from "../../escalation/service.js";
import { OUTCOMES, type CaseView, type Outcome, type UserRef } from "../../escalation/types.js";
import { QUEUES } from "../../policy/vocabulary.js";
import type { SlackAnswers } from "./answers.js";
import { ACTIONS, errorMessage, type SlackMessage } from "./blocks.js";
import {
  CASE_ACTIONS,
  CASE_VIEWS,
  cancelledMessage,
  casesDownMessage,
  casesMessage,
  escalatedMessage,
  escalationDownMessage,
  messageModal,
  MODAL_FIELDS,
  notConfiguredMessage,
  readMetadata,
  refusalMessage,
  resolveModal,
} from "./case-blocks.js";
import { messageId } from "./gateway.js";
import type { ActionArgs, SlackRoutes } from "./routes.js";
import { decodeState } from "./state.js";

export interface SlackEscalationOptions {
  config: EscalationConfig;
  /** The case service, or undefined while the database is unavailable. */
  service: () => EscalationService | undefined;
  /** Deliver what a transition just wrote now, rather than on the next loop tick. */
  kick?: () => void;
}

export interface SlackEscalation {
  /** `/ice-protocol cases` for this user. */
  cases(userId: string): Promise<SlackMessage>;
  /**
   * A direct message from an asker with a case open: relayed into the case thread, and the
   * confirmation to show them returned. Undefined when it is not for a case (answer it).
   */
  relayDirectMessage(message: {
    channel: string;
    user: string;
    text: string;
    threadTs?: string;
  }): Promise<SlackMessage | undefined>;
}

/** `/ice-protocol cases` (and `my cases`, `casos`). */
export function isCasesCommand(text: string): boolean {
  return /^\s*(?:my\s+)?(?:cases|casos|mis\s+casos)\s*$/i.test(text);
}

const UNAVAILABLE = "The case system is unavailable just now. Try again in a minute.";
/** Slack allows 3 s for an acknowledgement; a database slower than this is treated as down. */
const ACK_BUDGET_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailable(`no answer from the database within ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What to tell the person whose action failed: refusals are written for them. */
function refusalText(error: unknown, logger: Logger): string {
  if (error instanceof EscalationError) return error.message;
  if (error instanceof DatabaseUnavailable) return UNAVAILABLE;
  logger.error(`escalation action failed: ${(error as Error).message}`);
  return "Something went wrong; nothing was changed. Try again in a minute.";
}

export function registerEscalation(
  routes: SlackRoutes,
  deps: { answers: SlackAnswers; escalation?: SlackEscalationOptions },
): SlackEscalation {
  const { answers, escalation } = deps;
  const kick = () => escalation?.kick?.();
  const slackUser = (userId: string): UserRef => ({ platform: "slack", userId });
  type Click = ActionArgs;

  const ephemeral = async (respond: Click["respond"], message: SlackMessage) => {
    await respond({ response_type: "ephemeral", replace_original: false, ...message });
  };
  const buttonValue = (action: Click["action"]): string | undefined =>
    "value" in action && typeof action.value === "string" ? action.value : undefined;
  /** The case reference shown in a modal, from the clicked block ("case-actions:ICE-..."). */
  const refOf = (action: Click["action"]) => action.block_id.split(":")[1] ?? "this case";

  // ---- "Escalate to legal" under an answer.
  routes.action(ACTIONS.escalate, async ({ ack, action, body, client, respond, logger }) => {
    await ack();
    const value = buttonValue(action);
    const state = value ? decodeState(value) : undefined;
    if (!state) {
      await ephemeral(
        respond,
        errorMessage("This answer is from an older version of the bot. Ask your question again, please."),
      );
      return;
    }
    if (!escalation) {
      // trigger_id lasts 3 s: the modal opens right after the ack, with nothing slow between.
      await client.views.open({ trigger_id: body.trigger_id, view: answers.escalation(state) });
      return;
    }
    const answer = answers.answerFor(state);
    const queue = answer.escalate.queue;
    const phone = escalation.config.queues[queue].phone;
    const down = escalationDownMessage({ queue, phone, contacts: answer.contacts });
    const service = escalation.service();
    if (!service) {
      await ephemeral(respond, down);
      return;
    }
    const container = body.container as { channel_id?: string; message_ts?: string };
    const messageTs = container.message_ts ?? (action as { action_ts?: string }).action_ts ?? body.trigger_id;
    const team = body.team?.id ?? body.user.team_id ?? "-";
    const key = `slack:${team}:${container.channel_id ?? "-"}:${messageTs}:${body.user.id}`;
    try {
      const opened = await service.escalate(answer, slackUser(body.user.id), key);
      kick();
      await ephemeral(respond, escalatedMessage(opened, phone));
    } catch (error) {
      if (error instanceof DatabaseUnavailable) {
        logger.warn(`escalation: the database is unavailable: ${error.message}`);
        await ephemeral(respond, down);
      } else if (error instanceof EscalationError) {
        await ephemeral(respond, refusalMessage(error.message));
      } else {
        logger.error(`escalation failed: ${(error as Error).message}`);
        await ephemeral(respond, down);
      }
    }
  });

  // ---- Claim and Reopen: at once; a refusal only to whoever clicked.
  const immediate =
    (act: (service: EscalationService, caseId: string, user: UserRef) => Promise<unknown>) =>
    async ({ ack, action, body, respond, logger }: Click) => {
      await ack();
      const caseId = buttonValue(action);
      const service = escalation?.service();
      if (!caseId) return;
      if (!escalation) return void (await ephemeral(respond, notConfiguredMessage()));
      if (!service) return void (await ephemeral(respond, refusalMessage(UNAVAILABLE)));
      try {
        await act(service, caseId, slackUser(body.user.id));
        kick();
      } catch (error) {
        await ephemeral(respond, refusalMessage(refusalText(error, logger)));
      }
    };
  routes.action(
    CASE_ACTIONS.claim,
    immediate((service, id, user) => service.claim(id, user)),
  );
  routes.action(
    CASE_ACTIONS.reopen,
    immediate((service, id, user) => service.reopen(id, user)),
  );

  // ---- "Cancel my case", by the asker (Slack asked them to confirm before sending the click).
  routes.action(CASE_ACTIONS.cancel, async ({ ack, action, body, client, respond, logger }) => {
    await ack();
    const caseId = buttonValue(action);
    if (!caseId) return;
    if (!escalation) return void (await ephemeral(respond, notConfiguredMessage()));
    const service = escalation.service();
    if (!service) return void (await ephemeral(respond, refusalMessage(UNAVAILABLE)));
    let cancelled: CaseView;
    try {
      cancelled = await service.cancel(caseId, slackUser(body.user.id));
    } catch (error) {
      // Someone else (a forwarded button), or a case already closed: told only to the clicker.
      const text =
        error instanceof InvalidTransition && (error.status === "cancelled" || error.status === "resolved")
          ? `Case ${error.ref} is already ${error.status}, so there is nothing to cancel.`
          : refusalText(error, logger);
      await ephemeral(respond, refusalMessage(text));
      return;
    }
    kick();
    const message = cancelledMessage(cancelled, escalation.config.queues[cancelled.queue].phone);
    // The asker's message, replaced in place: an ephemeral confirmation through the click's
    // response_url (it cannot be chat.update'd), a direct message with chat.update.
    const container = body.container as { is_ephemeral?: boolean; channel_id?: string; message_ts?: string };
    if (!container.is_ephemeral && container.channel_id && container.message_ts) {
      await client.chat.update({ channel: container.channel_id, ts: container.message_ts, ...message });
    } else {
      await respond({ replace_original: true, response_type: "ephemeral", ...message });
    }
  });

  // ---- Message the employee, Resolve: a modal, opened at once when the clicker may act.
  const withModal =
    (modal: (caseId: string, ref: string) => Parameters<Click["client"]["views"]["open"]>[0]["view"]) =>
    async ({ ack, action, body, client, respond, logger }: Click) => {
      await ack();
      const caseId = buttonValue(action);
      if (!caseId) return;
      if (!escalation) return void (await ephemeral(respond, notConfiguredMessage()));
      const service = escalation.service();
      if (service) {
        // A quick check, so someone who may not act gets the refusal now, not after typing.
        // If the database is slow or down, the modal opens anyway: submitting checks again.
        try {
          const c = await withTimeout(service.getCase(caseId, slackUser(body.user.id)), 1500);
          if (!(await service.isLegal(slackUser(body.user.id), c.queue))) throw new NotAuthorized("not-legal-staff");
        } catch (error) {
          if (!(error instanceof DatabaseUnavailable)) {
            await ephemeral(respond, refusalMessage(refusalText(error, logger)));
            return;
          }
        }
      }
      await client.views.open({ trigger_id: body.trigger_id, view: modal(caseId, refOf(action)) });
    };
  routes.action(CASE_ACTIONS.message, withModal(messageModal));
  routes.action(CASE_ACTIONS.resolve, withModal(resolveModal));

  // ---- The modals' submissions: errors shown in the modal; success closes it.
  routes.view(CASE_VIEWS.message, async ({ ack, body, view, logger }) => {
    const meta = readMetadata(view.private_metadata);
    const text = view.state.values[MODAL_FIELDS.text]?.[MODAL_FIELDS.text]?.value ?? "";
    const service = escalation?.service();
    if (!meta || !service) {
      await ack({ response_action: "errors", errors: { [MODAL_FIELDS.text]: UNAVAILABLE } });
      return;
    }
    try {
      await withTimeout(service.message(meta.caseId, slackUser(body.user.id), text), ACK_BUDGET_MS);
    } catch (error) {
      await ack({ response_action: "errors", errors: { [MODAL_FIELDS.text]: refusalText(error, logger) } });
      return;
    }
    await ack();
    kick();
  });

  routes.view(CASE_VIEWS.resolve, async ({ ack, body, view, logger }) => {
    const meta = readMetadata(view.private_metadata);
    const values = view.state.values;
    const outcome = values[MODAL_FIELDS.outcome]?.[MODAL_FIELDS.outcome]?.selected_option?.value;
    const note = values[MODAL_FIELDS.note]?.[MODAL_FIELDS.note]?.value ?? null;
    const service = escalation?.service();
    if (!meta || !service) {
      await ack({ response_action: "errors", errors: { [MODAL_FIELDS.outcome]: UNAVAILABLE } });
      return;
    }
    if (!outcome || !OUTCOMES.includes(outcome as Outcome)) {
      await ack({ response_action: "errors", errors: { [MODAL_FIELDS.outcome]: "Choose an outcome." } });
      return;
    }
    try {
      await withTimeout(service.resolve(meta.caseId, slackUser(body.user.id), outcome as Outcome, note), ACK_BUDGET_MS);
    } catch (error) {
      const text = refusalText(error, logger);
      const field = /\bnote\b/i.test(text) ? MODAL_FIELDS.note : MODAL_FIELDS.outcome;
      await ack({ response_action: "errors", errors: { [field]: text } });
      return;
    }
    await ack();
    kick();
  });

  const phones = () =>
    escalation ? QUEUES.map((queue) => ({ queue, phone: escalation.config.queues[queue].phone })) : [];

  return {
    async cases(userId) {
      if (!escalation) return notConfiguredMessage();
      const service = escalation.service();
      if (!service) return casesDownMessage(phones());
      try {
        return casesMessage(await withTimeout(service.listCases(slackUser(userId)), ACK_BUDGET_MS));
      } catch (error) {
        if (error instanceof DatabaseUnavailable) return casesDownMessage(phones());
        throw error;
      }
    },

    async relayDirectMessage({ channel, user, text, threadTs }) {
      const service = escalation?.service();
      if (!service) return undefined;
      const asker = slackUser(user);
      try {
        let target: { id: string; ref: string } | null = null;
        if (threadTs) target = await service.caseForAskerMessage("slack", messageId(channel, threadTs));
        if (!target) {
          const { own } = await service.listCases(asker, { limit: 10 });
          target = own.find((c) => c.status === "open" || c.status === "claimed") ?? null;
        }
        if (!target) return undefined;
        try {
          await service.message(target.id, asker, text);
        } catch (error) {
          if (error instanceof EscalationError) {
            return refusalMessage(
              `${error.message} To ask me something else, use /ice-protocol or write to me outside this thread.`,
            );
          }
          throw error;
        }
        kick();
        return {
          text: `Sent to the legal staff on case ${target.ref}.`,
          blocks: [
            {
              type: "context",
              block_id: "relayed",
              elements: [
                {
                  type: "mrkdwn",
                  text: `:incoming_envelope: Sent to the legal staff on case *${target.ref}*. To ask me a new question instead, use \`/ice-protocol <question>\`.`,
                },
              ],
            },
          ],
        };
      } catch (error) {
        if (error instanceof DatabaseUnavailable) return undefined; // answer it from the core
        throw error;
      }
    },
  };
}
