export { createDatabase, DEFAULT_DATA_DIR, type Database, type DatabaseOptions } from "./database.js";
export { DatabaseUnavailable, MigrationError, asDatabaseError, isUnavailableError } from "./errors.js";
export { applyMigrations, readMigrations, DEFAULT_MIGRATIONS_DIR, type MigrationReport } from "./migrate.js";
export type { PrismaClient } from "./generated/client.js";
export type * from "./generated/models.js";
export { CaseStatus } from "./generated/enums.js";
