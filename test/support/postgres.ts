/**
 * A real PostgreSQL server for the test suite, in one of two ways:
 *
 * - TEST_DATABASE_URL or DATABASE_URL is set (CI: scripts/test-postgres.sh): that server
 *   is used; each test file gets its own fresh database on it, dropped afterwards.
 * - Otherwise, if PostgreSQL's binaries are installed (/usr/lib/postgresql/<v>/bin, or
 *   initdb on PATH): a throwaway server is started with initdb/pg_ctl in a temp folder on
 *   127.0.0.1 and a free port (as the `postgres` user when running as root), and removed
 *   afterwards.
 *
 * If neither is possible the PostgreSQL variant of the suite is skipped with a message,
 * unless REQUIRE_POSTGRES=1 (CI), which turns the skip into a failure.
 * SKIP_POSTGRES_TESTS=1 skips it on purpose.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

export type PostgresAvailability =
  | { available: true; mode: "url"; adminUrl: string }
  | { available: true; mode: "local"; bindir: string }
  | { available: false; reason: string };

function findBindir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(path.join(base, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(base, versions[0], "bin");
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) return dir;
  }
  return undefined;
}

export function postgresAvailability(env: Record<string, string | undefined> = process.env): PostgresAvailability {
  if (env.SKIP_POSTGRES_TESTS === "1") return { available: false, reason: "SKIP_POSTGRES_TESTS=1" };
  const adminUrl = env.TEST_DATABASE_URL || env.DATABASE_URL;
  if (adminUrl) return { available: true, mode: "url", adminUrl };
  const bindir = findBindir();
  if (!bindir) {
    return {
      available: false,
      reason:
        "no PostgreSQL server: set DATABASE_URL (scripts/test-postgres.sh start), or install PostgreSQL (apt-get install -y postgresql)",
    };
  }
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    try {
      execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    } catch {
      return { available: false, reason: "running as root and there is no `postgres` user to run initdb as" };
    }
  }
  return { available: true, mode: "local", bindir };
}

export interface PostgresServer {
  /** Connection string to a fresh, empty database. */
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function onServer(adminUrl: string): Promise<PostgresServer> {
  const name = `ice_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  return {
    url: withDatabase(adminUrl, name),
    async stop() {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    },
  };
}

async function localServer(bindir: string): Promise<PostgresServer> {
  const isRoot = process.getuid?.() === 0;
  const root = mkdtempSync(path.join(tmpdir(), "ice-pg-"));
  const data = path.join(root, "data");
  const run = (cmd: string, args: string[]) => {
    const file = path.join(bindir, cmd);
    const [bin, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, args];
    execFileSync(bin, argv, { stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  };
  if (isRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(root, uid, gid);
  }
  const user = isRoot ? "postgres" : userInfo().username;
  const port = await freePort();
  let started = false;
  const stopSync = () => {
    if (started) {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already gone
      }
      started = false;
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", stopSync);
  try {
    run("initdb", [
      "-D",
      data,
      "-U",
      user,
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
      "--no-instructions",
    ]);
    const options = [
      `-h 127.0.0.1 -p ${port} -k ${root}`,
      "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
    ].join(" ");
    run("pg_ctl", ["-D", data, "-l", path.join(root, "server.log"), "-w", "-t", "60", "-o", options, "start"]);
    started = true;
  } catch (error) {
    stopSync();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`could not start a local PostgreSQL server: ${stderr || (error as Error).message}`);
  }
  return {
    url: `postgresql://${user}@127.0.0.1:${port}/postgres`,
    async stop() {
      process.removeListener("exit", stopSync);
      stopSync();
    },
  };
}

/** Start (or connect to) a PostgreSQL server and hand out a fresh database on it. */
export async function startPostgres(availability = postgresAvailability()): Promise<PostgresServer> {
  if (!availability.available) throw new Error(`PostgreSQL unavailable: ${availability.reason}`);
  return availability.mode === "url" ? onServer(availability.adminUrl) : localServer(availability.bindir);
}
