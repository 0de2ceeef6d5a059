/**
 * What the Slack listeners say, without Bolt: a line of text (slash command, DM, mention)
 * routed to help, sources, role or a question; and a click answered again from the state
 * its button carried. The core's work (on the server's core thread, or here) plus one
 * profile lookup, so a slash command can be answered inside its acknowledgement.
 */
import type { Answer } from "../../core/decide.js";
import type { Engine } from "../../core/engine.js";
import type { Asker } from "../common/core-thread.js";
import { deliverAnswer, type Phraser, type PhrasedView } from "../../phrasing/index.js";
import type { FactName, Facts, Role } from "../../policy/vocabulary.js";
import {
  answerMessage,
  escapeMrkdwn,
  escalateModal,
  truncate,
  helpMessage,
  rolePickerMessage,
  roleSavedMessage,
  sourcesMessage,
  type AnswerView,
  type SlackMessage,
} from "./blocks.js";
import { parseRoleCommand } from "../common/words.js";
import { EXAMPLES } from "./labels.js";
import type { ProfileKey, ProfileStore } from "./profile-store.js";
import { stateOf, type SlackState } from "./state.js";
import type { types } from "@slack/bolt";

export type Command =
  | { kind: "help" }
  | { kind: "sources" }
  | { kind: "role"; role?: Role; unknownWords?: string }
  | { kind: "ask"; question: string };

/** `/ice-protocol <text>` (or a DM, or a mention without the mention): what is asked for. */
export function parseCommand(text: string): Command {
  const trimmed = text.trim();
  const lower = trimmed.toLowerCase();
  if (lower === "" || /^(help|ayuda|\?|usage|-h|--help)$/.test(lower)) return { kind: "help" };
  if (/^(sources|fuentes|sources\?)$/.test(lower)) return { kind: "sources" };
  const role = parseRoleCommand(trimmed);
  if (role) return role;
  return { kind: "ask", question: trimmed };
}

export interface SlackAnswersOptions {
  engine: Engine;
  /** Who answers typed questions (default: the engine, in this thread; a server passes its CoreThread). */
  core?: Asker;
  today: () => string;
  profiles: ProfileStore;
  /** Checked phrasing of citations (optional): answers are sent at once, then updated. */
  phraser?: Phraser;
}

/** Replaces a sent answer with its phrased version; resolves to whether it ran and succeeded. */
export type PhrasedUpdate = (
  update: (message: SlackMessage) => Promise<void>,
) => Promise<{ updated: boolean; error?: unknown }>;

export class SlackAnswers {
  readonly #engine: Engine;
  readonly #core: Asker;
  readonly #today: () => string;
  readonly #profiles: ProfileStore;
  readonly #phraser: Phraser | undefined;
  /** Answers whose phrasing is on its way, by the message sent first. */
  readonly #pending = new WeakMap<SlackMessage, PhrasedUpdate>();

  constructor(options: SlackAnswersOptions) {
    this.#engine = options.engine;
    this.#core = options.core ?? options.engine;
    this.#today = options.today;
    this.#profiles = options.profiles;
    this.#phraser = options.phraser;
  }

  /**
   * For an answer message this class returned: a hook that runs `update` once with the
   * phrased message if checked phrasing arrives within its budget (else never). Undefined
   * when there is nothing to wait for (phrasing off, a cache hit already shown, not an answer).
   */
  phrasingOf(message: SlackMessage): PhrasedUpdate | undefined {
    return this.#pending.get(message);
  }

  /** The rules' answer rendered now; phrasing, when on, started in parallel. */
  #answerMessage(view: Omit<AnswerView, "phrased">, question?: string): SlackMessage {
    // Without phrasing the template view adds nothing to the rules' answer: render it directly.
    if (!this.#phraser?.enabled) return answerMessage(view);
    const delivery = deliverAnswer(view.answer, this.#phraser, {
      language: view.answer.language,
      ...(question ? { question } : {}),
    });
    const render = (phrased: PhrasedView<Answer>) => answerMessage({ ...view, phrased });
    const message = render(delivery.first);
    if (this.#phraser?.enabled && delivery.first.phrasing.status === "template") {
      this.#pending.set(message, (update) => delivery.onPhrased((phrased) => update(render(phrased))));
    }
    return message;
  }

  get pack() {
    return this.#engine.pack;
  }

  async roleOf(who: ProfileKey): Promise<Role | undefined> {
    return this.#profiles.getRole(who);
  }

  async setRole(who: ProfileKey, role: Role | undefined): Promise<void> {
    await this.#profiles.setRole(who, role);
  }

  /** A line of text from the asker: help, sources, role, or a question answered at once. */
  async respondTo(text: string, who: ProfileKey, where: { publicThread?: boolean } = {}): Promise<SlackMessage> {
    const command = parseCommand(text);
    switch (command.kind) {
      case "help":
        return helpMessage();
      case "sources":
        return sourcesMessage(this.#engine.pack);
      case "role":
        if (command.role) {
          await this.#profiles.setRole(who, command.role);
          return roleSavedMessage(command.role);
        }
        return withIntro(
          rolePickerMessage(await this.#profiles.getRole(who)),
          command.unknownWords ? `I don't know the role "${command.unknownWords}". Choose one:` : undefined,
        );
      case "ask":
        return this.ask(command.question, who, where);
    }
  }

  async ask(question: string, who: ProfileKey, where: { publicThread?: boolean } = {}): Promise<SlackMessage> {
    const profileRole = await this.#profiles.getRole(who);
    const today = this.#today();
    const answer = await this.#core.ask(question, { today, ...(profileRole ? { role: profileRole } : {}) });
    return this.#answerMessage(
      {
        answer,
        state: stateOf(answer, today),
        ...(profileRole ? { profileRole } : {}),
        ...(where.publicThread ? { publicThread: true } : {}),
      },
      question,
    );
  }

  async askExample(
    index: number,
    who: ProfileKey,
    where: { publicThread?: boolean } = {},
  ): Promise<SlackMessage | undefined> {
    const question = EXAMPLES[index];
    return question === undefined ? undefined : this.ask(question, who, where);
  }

  /**
   * A click on a correction menu or a clarifying button: the same decision path, from the
   * facts the button carried with the one fact the asker set.
   */
  async reanswer(
    state: SlackState,
    corrected: FactName | undefined,
    who: ProfileKey,
    where: { publicThread?: boolean } = {},
  ): Promise<SlackMessage> {
    const profileRole = await this.#profiles.getRole(who);
    const today = this.#today();
    const overrides: Partial<Facts> = corrected ? { [corrected]: state.facts[corrected] } : {};
    const answer = this.#engine.reanswer(state, { today, ...(state.date ? { date: state.date } : {}), overrides });
    return this.#answerMessage({
      answer,
      state: { ...stateOf(answer, today), ...(state.date ? { date: state.date } : {}) },
      ...(profileRole ? { profileRole } : {}),
      ...(where.publicThread ? { publicThread: true } : {}),
    });
  }

  /** The answer a button's state stands for (what an escalation sends to legal staff). */
  answerFor(state: SlackState): Answer {
    const today = this.#today();
    return this.#engine.reanswer(state, { today, ...(state.date ? { date: state.date } : {}) });
  }

  /** The escalation modal without a case system: who to call for the role in the state. */
  escalation(state: SlackState): types.ModalView {
    const answer = this.answerFor(state);
    return escalateModal({ queue: answer.escalate.queue, contacts: answer.contacts, urgent: answer.escalate.urgent });
  }
}

function withIntro(message: SlackMessage, intro: string | undefined): SlackMessage {
  if (!intro) return message;
  return {
    text: message.text,
    blocks: [
      { type: "context", block_id: "intro", elements: [{ type: "mrkdwn", text: truncate(escapeMrkdwn(intro), 3000) }] },
      ...message.blocks,
    ],
  };
}
