/** Shared set-up for the phrasing tests: real answers from the real rules core. */
import { loadPack } from "../../src/policy/load.js";
import { createEngine, type Engine } from "../../src/core/engine.js";
import type { Answer } from "../../src/core/decide.js";

let engine: Engine | undefined;

export function realEngine(): Engine {
  engine ??= createEngine(loadPack());
  return engine;
}

export const TODAY = "2026-11-22";

export function ask(question: string, role?: Parameters<Engine["ask"]>[1]["role"]): Answer {
  return realEngine().ask(question, { today: TODAY, ...(role ? { role } : {}) });
}

/** Situations used across the tests, each with the decision the rules reach. */
export const SCHOOL_ENTRY = "ICE agents are at the front desk of our school and want to come in. They have no warrant.";
export const SCHOOL_ENTRY_ES =
  "Agentes de ICE están en la recepción de la escuela y quieren entrar. No tienen orden judicial.";
export const RECORDS_REQUEST =
  "Two ICE officers at our shelter front desk are asking for the address of one of our residents.";
export const ASSIST_REQUEST = "ICE asked our parks staff to help them hold a man until they arrive.";
export const DETAINER_REQUEST =
  "Corrections officer here: ICE sent a detainer asking us to hold an inmate past his release date.";
export const TASK_FORCE_REQUEST = "Our precinct was asked to join a joint gang task force with HSI targeting MS-13.";
