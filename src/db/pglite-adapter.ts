/**
 * The PGlite driver adapter (pglite-prisma-adapter 0.6, the line for Prisma 6), with its
 * errors translated the way @prisma/adapter-pg 6.19 reports them. The adapter throws every
 * PostgreSQL error as kind "postgres"; Prisma 6.19 reads `originalCode`/`originalMessage`
 * and needs a unique violation as kind "UniqueConstraintViolation" to raise P2002. With
 * this wrapper both backends fail the same way, so the service handles one set of errors.
 */
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

/** Same name and shape as @prisma/driver-adapter-utils' DriverAdapterError (Prisma checks both). */
class DriverAdapterError extends Error {
  override name = "DriverAdapterError";
  override cause: Record<string, unknown>;
  constructor(payload: Record<string, unknown>) {
    super(typeof payload.message === "string" ? payload.message : String(payload.kind));
    this.cause = payload;
  }
}

interface PgErrorFields {
  kind?: string;
  code?: string;
  message?: string;
  detail?: string;
  column?: string;
  severity?: string;
  hint?: string;
}

function fieldsOf(detail: string | undefined): { fields: string[] } | undefined {
  const fields = detail?.match(/Key \(([^)]+)\)/)?.[1]?.split(", ");
  return fields ? { fields } : undefined;
}

function translate(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== "DriverAdapterError") return error;
  const cause = (error as { cause?: PgErrorFields }).cause;
  if (!cause || cause.kind !== "postgres" || typeof cause.code !== "string") return error;
  const base = { originalCode: cause.code, originalMessage: cause.message ?? "" };
  switch (cause.code) {
    case "23505":
      return new DriverAdapterError({ ...base, kind: "UniqueConstraintViolation", constraint: fieldsOf(cause.detail) });
    case "23502":
      return new DriverAdapterError({ ...base, kind: "NullConstraintViolation", constraint: fieldsOf(cause.detail) });
    case "23503":
      return new DriverAdapterError({
        ...base,
        kind: "ForeignKeyConstraintViolation",
        constraint: cause.column ? { fields: [cause.column] } : undefined,
      });
    case "40001":
      return new DriverAdapterError({ ...base, kind: "TransactionWriteConflict" });
    default:
      return new DriverAdapterError({ ...base, ...cause, severity: cause.severity ?? "N/A" });
  }
}

type AnyFn = (...args: unknown[]) => unknown;

/** Wrap every async method of `target` so a rejected promise is translated. */
function translating<T extends object>(target: T, wrapResult?: (name: string, value: unknown) => unknown): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = (value as AnyFn).apply(obj, args);
        } catch (error) {
          throw translate(error);
        }
        if (result instanceof Promise) {
          return result.then(
            (v) => (wrapResult ? wrapResult(String(prop), v) : v),
            (error: unknown) => {
              throw translate(error);
            },
          );
        }
        return result;
      };
    },
  });
}

/** A PGlite error thrown outside the adapter (exec), in the adapter's own shape. */
function fromPglite(error: unknown): unknown {
  const e = error as PgErrorFields & { name?: string };
  if (error instanceof Error && typeof e.code === "string" && typeof e.severity === "string") {
    return translate(
      new DriverAdapterError({
        kind: "postgres",
        code: e.code,
        severity: e.severity,
        message: error.message,
        detail: e.detail,
        column: e.column,
        hint: e.hint,
      }),
    );
  }
  return error;
}

interface RawQuery {
  sql: string;
  args: unknown[];
}

/**
 * The adapter with two fixes: translated errors, and scripts run through PGlite's `exec`
 * (simple protocol). Prisma's schema engine applies a whole migration file as one
 * parameterless `executeRaw`, which PGlite's extended protocol refuses ("cannot insert
 * multiple commands into a prepared statement"); node-postgres sends it as a simple query.
 */
function wrapAdapter<T extends object>(adapter: T, client: PGlite, onDispose?: () => Promise<void>): T {
  const base = translating(adapter, (name, value) =>
    name === "startTransaction" ? translating(value as object) : value,
  );
  return new Proxy(base, {
    get(obj, prop, receiver) {
      if (prop === "executeRaw") {
        return async (query: RawQuery) => {
          if (query.args.length > 0) return (obj as { executeRaw(q: RawQuery): Promise<number> }).executeRaw(query);
          try {
            const results = await client.exec(query.sql);
            return results.reduce((n, r) => n + (r.affectedRows ?? 0), 0);
          } catch (error) {
            throw fromPglite(error);
          }
        };
      }
      if (prop === "executeScript") {
        return async (script: string) => {
          try {
            await client.exec(script);
          } catch (error) {
            throw fromPglite(error);
          }
        };
      }
      if (prop === "dispose" && onDispose) {
        return async () => {
          await (obj as { dispose(): Promise<void> }).dispose();
          await onDispose();
        };
      }
      return Reflect.get(obj, prop, receiver);
    },
  });
}

/** A driver-adapter factory over `client`; the shadow database (CLI diffs) is in memory. */
export function pgliteAdapter(client: PGlite) {
  const factory = new PrismaPGlite(client);
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      return wrapAdapter(await factory.connect(), client);
    },
    async connectToShadowDb() {
      const shadow = await PGlite.create("memory://");
      return wrapAdapter(await new PrismaPGlite(shadow).connect(), shadow, () => shadow.close());
    },
  };
}
