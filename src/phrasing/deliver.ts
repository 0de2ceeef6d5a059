/**
 * "Deterministic answer first" for a channel adapter: the view to send at once, and a hook
 * that runs at most once, with the phrased view, if checked phrasing arrives within the
 * budget. Slack and Teams use it like this:
 *
 *   const answer = engine.ask(text, { today, role });
 *   const delivery = deliverAnswer(answer, phrasing, { language: answer.language, question: text });
 *   await send(render(delivery.first));                   // the rules' answer, right now
 *   void delivery.onPhrased((view) => update(render(view))); // replace in place, or never
 *
 * Phrasing starts at once (in parallel with the first send) and never rejects; a channel
 * error inside `update` is caught and reported through the returned promise.
 */
import { applyPhrasing, type PhrasedView } from "./apply.js";
import type { PhrasableAnswer } from "./input.js";
import type { PhraseOptions, PhraseResult } from "./service.js";

/** What deliverAnswer needs of the phrasing service (a PhrasingService satisfies it). */
export interface Phraser {
  readonly enabled: boolean;
  phrase(answer: PhrasableAnswer, options?: PhraseOptions): Promise<PhraseResult>;
  peek?(answer: PhrasableAnswer, options?: PhraseOptions): PhraseResult | undefined;
}

export interface Delivery<A extends PhrasableAnswer> {
  /** Render and send this now: the template, or already phrased on a cache hit. */
  first: PhrasedView<A>;
  /** The phrasing outcome (immediate when there is nothing to wait for). Never rejects. */
  result: Promise<PhraseResult>;
  /**
   * Runs `update` once with the phrased view when phrasing was accepted after `first` was
   * built; otherwise never. Resolves to whether `update` ran and succeeded. Never rejects.
   */
  onPhrased(update: (view: PhrasedView<A>) => void | Promise<void>): Promise<{ updated: boolean; error?: unknown }>;
}

const NOT_CONFIGURED: PhraseResult = { status: "fallback", reason: "not-configured" };

export function deliverAnswer<A extends PhrasableAnswer>(
  answer: A,
  phraser: Phraser | undefined,
  options: PhraseOptions = {},
): Delivery<A> {
  if (!phraser || !phraser.enabled) {
    return {
      first: applyPhrasing(answer),
      result: Promise.resolve(NOT_CONFIGURED),
      onPhrased: async () => ({ updated: false }),
    };
  }
  let cached: PhraseResult | undefined;
  try {
    cached = phraser.peek?.(answer, options);
  } catch {
    cached = undefined;
  }
  if (cached?.status === "ok") {
    return {
      first: applyPhrasing(answer, cached),
      result: Promise.resolve(cached),
      onPhrased: async () => ({ updated: false }),
    };
  }
  const result = phraser
    .phrase(answer, options)
    .catch((): PhraseResult => ({ status: "fallback", reason: "internal-error" }));
  let claimed = false;
  return {
    first: applyPhrasing(answer),
    result,
    async onPhrased(update) {
      const outcome = await result;
      if (outcome.status !== "ok" || claimed) return { updated: false };
      claimed = true;
      try {
        await update(applyPhrasing(answer, outcome));
        return { updated: true };
      } catch (error) {
        return { updated: false, error };
      }
    },
  };
}
