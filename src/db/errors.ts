/**
 * Typed database failures. `DatabaseUnavailable` is the one an adapter must catch: the
 * database is down, unreachable or overloaded, so the bot still answers from the rules
 * core and shows the queue's phone number instead of opening a case.
 */

export class DatabaseUnavailable extends Error {
  override name = "DatabaseUnavailable";
  readonly code = "database-unavailable";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Error codes (Node, pg, Prisma) that mean "the database cannot be reached or used now". */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, too many connections
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  // Prisma: can't reach / timed out / closed / transaction could not start in time
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
  "P2028",
]);

const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /connection refused/i,
  /timeout exceeded when trying to connect/i,
  /cannot use a pool after calling end/i,
  /client has encountered a connection error/i,
  /PGlite is closed/i,
  /database is closed/i,
  /Unable to start a transaction in the given time/i,
  /Can't reach database server/i,
];

function* chain(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth++) {
    yield current;
    if (current instanceof AggregateError) for (const inner of current.errors) yield* chain(inner);
    current = (current as { cause?: unknown }).cause;
  }
}

/** Does this error (or anything in its cause chain) say the database is unavailable? */
export function isUnavailableError(error: unknown): boolean {
  for (const e of chain(error)) {
    if (e instanceof DatabaseUnavailable) return true;
    if (typeof e !== "object" || e === null) continue;
    const name = (e as { name?: unknown }).name;
    if (name === "PrismaClientInitializationError" || name === "PrismaClientRustPanicError") return true;
    const code = (e as { code?: unknown }).code ?? (e as { errorCode?: unknown }).errorCode;
    if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}

/** Rethrow an unavailable-database error as `DatabaseUnavailable`; anything else unchanged. */
export function asDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailable) return error;
  if (isUnavailableError(error)) {
    return new DatabaseUnavailable("the escalation database is unavailable", { cause: error });
  }
  return error;
}
