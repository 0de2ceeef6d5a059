/**
 * Prisma CLI configuration. Prisma 6.19 with its JavaScript engine: the CLI reaches the
 * database through the same driver adapters as the app, so nothing native is downloaded.
 * Run the CLI through `sh scripts/prisma.sh <args>` (placeholder engine paths; the npm
 * scripts do it).
 *
 * - With DATABASE_URL: that PostgreSQL server (e.g. `sh scripts/prisma.sh migrate status`).
 * - Without: a throwaway in-memory PGlite, which is all `generate` and `migrate diff`
 *   need. The app's embedded database under ./data/pglite is migrated and inspected with
 *   `npm run db:migrate` / `npm run db:status` (our runner writes Prisma's own
 *   `_prisma_migrations` table, so both tools agree), not with the CLI: a file-backed
 *   PGlite that the CLI never closes keeps the process from exiting.
 */
import path from "node:path";
import type { PrismaPg as PrismaPgAdapterFactory } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    // scripts/prisma.sh sets ICE_PRISMA_PGLITE along with a placeholder DATABASE_URL.
    const url = process.env.ICE_PRISMA_PGLITE ? undefined : process.env.DATABASE_URL;
    if (url) {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: url });
    }
    const { PGlite } = await import("@electric-sql/pglite");
    const { pgliteAdapter } = await import("./src/db/pglite-adapter.js");
    // The app's wrapper: Prisma 6.19-style errors, migration scripts through PGlite's exec.
    return pgliteAdapter(new PGlite("memory://")) as unknown as PrismaPgAdapterFactory;
  },
});
