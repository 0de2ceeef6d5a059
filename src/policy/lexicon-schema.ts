/**
 * The shape of lexicon.yaml: the extraction vocabulary. Every pattern must compile as a
 * JavaScript regular expression; a broken one is reported with its term name.
 */
import { z } from "zod";
import { topLevelAlternatives } from "./pattern.js";

const regexSource = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source); // compiled exactly as the core compiles it (no "u" flag)
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(error as Error).message}` });
    }
  });

/** The term groups the extractor reads; the lexicon must define every one of them. */
export const TERM_NAMES = [
  "immigration",
  "federal",
  "otherAgents",
  "role.nypd",
  "role.doe",
  "role.health",
  "role.social-services",
  "role.corrections",
  "role.other-agency",
  "role.legal",
  "place.jail-or-custody",
  "place.police-facility",
  "place.school",
  "place.hospital",
  "place.shelter-or-social-services",
  "place.city-office",
  "place.street-or-public-space",
  "address",
  "privateSite",
  "area.public",
  "area.non-public",
  "area.inside",
  "area.pastPublic",
  "remote",
  "agreement",
  "taskForce",
  "criminalFocus",
  "detainer",
  "custody",
  "release",
  "hold",
  "assistance",
  "infoAsk",
  "information",
  "entry",
  "presence",
  "referral",
  "cityResponse",
  "judicial",
  "arrestWarrant",
  "administrative",
  "subpoena",
  "paper",
  "letterOnly",
  "force",
  "emergency",
  "insists",
  "resist",
  "instructionAttempt",
  "detainedPerson",
  "notCityStaff",
  "topic",
] as const;
export type TermName = (typeof TERM_NAMES)[number];

/**
 * A term pattern is matched as whole words, so an alternative that ends in a space can
 * never match (the next character is a letter): a silent bug a reviewer would not see.
 */
const termPattern = regexSource.superRefine((source, ctx) => {
  for (const alt of topLevelAlternatives(source)) {
    if (alt.endsWith(" "))
      ctx.addIssue({
        code: "custom",
        message: `alternative "${alt.slice(-40)}" ends with a space and can never match`,
      });
  }
});

const termShape = Object.fromEntries(
  TERM_NAMES.map((name) => [name, z.union([termPattern, z.array(termPattern).min(1)])]),
) as unknown as Record<TermName, z.ZodType<string | string[]>>;

export const lexiconSchema = z.strictObject({
  rewrites: z.array(z.tuple([regexSource, z.string()])),
  words: z.record(
    z.string().regex(/^[a-z0-9]+$/),
    z.string().regex(/^[a-z0-9]+(?: [a-z0-9]+)*$/, "words become one or more words of a-z and 0-9, one space apart"),
  ),
  spelling: z.array(z.string().regex(/^[a-z]{5,}$/, "spelling targets are single words of five letters or more")),
  negation: z.strictObject({
    cues: z.array(z.string().min(1)).min(1),
    shortCues: z.array(z.string().min(1)),
    verbsAfterNo: z.array(z.string().min(1)),
    breakers: z.array(z.string().min(1)),
    window: z.number().int().min(1).max(12),
    after: regexSource,
    doubt: regexSource,
  }),
  firstPerson: z.strictObject({
    self: regexSource,
    here: regexSource,
    own: regexSource,
    notOwn: regexSource,
    at: regexSource,
    after: regexSource,
    ranks: regexSource,
    describes: regexSource,
  }),
  terms: z.strictObject(termShape),
  months: z.record(z.string(), z.number().int().min(1).max(12)),
  spanishMarkers: z.array(z.string()),
});

export type Lexicon = z.infer<typeof lexiconSchema>;
