/**
 * The core's one entry point: question in, Answer out. Pure and synchronous: the pack is
 * loaded and compiled once, "today" is passed in, and nothing here does I/O.
 */
import type { PolicyPack } from "../policy/load.js";
import type { Facts, Role, Signals } from "../policy/vocabulary.js";
import { compilePack, decide, type Answer, type CompiledPack } from "./decide.js";
import { isIsoDate } from "./dates.js";
import { readQuestion, type Reading } from "./extract.js";
import { compileLexicon, type CompiledLexicon } from "./text.js";

/** Longer questions are read up to this many characters (a chat message rarely is). */
export const MAX_QUESTION_CHARS = 4000;

export interface AskOptions {
  /** Today's date in New York (YYYY-MM-DD); the caller owns the clock. */
  today: string;
  /** The asker's role from their profile or a flag. */
  role?: Role;
  /** An as-of date the asker chose (YYYY-MM-DD); wins over a date written in the question. */
  date?: string;
  /** Facts the asker corrected ("what I understood" buttons); they win over the text. */
  overrides?: Partial<Facts>;
}

/**
 * What a chat surface keeps of a question to answer it again after a correction, without
 * keeping the question's text (which may name people): the facts and signals read from it.
 */
export interface QuestionState {
  facts: Facts;
  signals: Signals;
  inScope: boolean;
  language: "en" | "es";
}

export interface ReanswerOptions {
  /** Today's date in New York (YYYY-MM-DD). */
  today: string;
  /** The as-of date, when the first answer was not for today. */
  date?: string;
  /** Facts the asker corrected; as in ask(), a correction makes the question in scope. */
  overrides?: Partial<Facts>;
}

export class AskError extends Error {
  override name = "AskError";
}

export interface Engine {
  readonly pack: PolicyPack;
  read(question: string, role?: Role): Reading;
  ask(question: string, options: AskOptions): Answer;
  /** Answer again from a kept QuestionState (a button click), exactly as ask() would decide it. */
  reanswer(state: QuestionState, options: ReanswerOptions): Answer;
}

export function createEngine(pack: PolicyPack): Engine {
  const lexicon: CompiledLexicon = compileLexicon(pack.lexicon);
  const compiled: CompiledPack = compilePack(pack);

  // "today" is the same for every question of a day: check it once.
  let lastGoodToday = "";
  const read = (question: string, role?: Role) =>
    readQuestion(question.slice(0, MAX_QUESTION_CHARS), lexicon, role ? { role } : {});

  return {
    pack,
    read,
    ask(question, options) {
      if (typeof question !== "string" || question.trim() === "") throw new AskError("the question is empty");
      if (options.today !== lastGoodToday) {
        if (!isIsoDate(options.today)) throw new AskError(`today must be a date as YYYY-MM-DD, not "${options.today}"`);
        lastGoodToday = options.today;
      }
      if (options.date !== undefined && !isIsoDate(options.date)) {
        throw new AskError(`the date must be a real date as YYYY-MM-DD, not "${options.date}"`);
      }
      const reading = read(question, options.role);
      if (options.overrides) {
        reading.facts = { ...reading.facts, ...options.overrides };
        // A corrected fact makes the question in scope: the asker told us what it is about.
        if (Object.keys(options.overrides).length > 0) reading.inScope = true;
      }
      let asOf = options.today;
      let asOfFrom: "today" | "asked" | "question" = "today";
      if (options.date) {
        asOf = options.date;
        asOfFrom = "asked";
      } else if (reading.dateInText && reading.dateInText.date < options.today && !reading.asksAboutNow) {
        asOf = reading.dateInText.date;
        asOfFrom = "question";
      }
      return decide(reading, { asOf, asOfFrom }, compiled);
    },
    reanswer(state, options) {
      if (options.today !== lastGoodToday) {
        if (!isIsoDate(options.today)) throw new AskError(`today must be a date as YYYY-MM-DD, not "${options.today}"`);
        lastGoodToday = options.today;
      }
      if (options.date !== undefined && !isIsoDate(options.date)) {
        throw new AskError(`the date must be a real date as YYYY-MM-DD, not "${options.date}"`);
      }
      const corrected = options.overrides !== undefined && Object.keys(options.overrides).length > 0;
      const reading: Reading = {
        facts: { ...state.facts, ...options.overrides },
        signals: { ...state.signals },
        inScope: state.inScope || corrected,
        asksAboutNow: false,
        language: state.language,
        normalized: "",
      };
      const asOf = options.date ?? options.today;
      return decide(reading, { asOf, asOfFrom: options.date ? "asked" : "today" }, compiled);
    },
  };
}
