/**
 * Deployment configuration, read once from the environment at start. Nothing else in the
 * project reads `process.env`: the composition root (main.ts) passes what it needs down.
 */
import { isIsoDate, todayInNewYork } from "../core/dates.js";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface SlackConfig {
  /** Socket Mode (SLACK_APP_TOKEN) or the HTTP receiver on /slack/events. */
  mode: "http" | "socket";
  /** Verifies every HTTP request (required in HTTP mode). */
  signingSecret?: string;
  botToken: string;
  appToken?: string;
  /** Web API base, ending with "/" (SLACK_API_URL; default Slack's own). */
  apiUrl?: string;
  /** Known from a previous auth.test; when both are missing the app calls auth.test once at start. */
  botId?: string;
  botUserId?: string;
  port: number;
  /** Interface to listen on; undefined means all interfaces. */
  host?: string;
}

/**
 * Microsoft Teams (Bot Framework). `auth` holds exactly the settings botbuilder's
 * ConfigurationBotFrameworkAuthentication reads (MicrosoftAppId, MicrosoftAppPassword,
 * MicrosoftAppType, MicrosoftAppTenantId); with an app id every request's JWT is checked.
 * Without credentials the endpoint runs only with TEAMS_LOCAL=1 (Bot Framework Emulator,
 * tests), which is refused when NODE_ENV=production.
 */
export interface TeamsConfig {
  auth: {
    MicrosoftAppId?: string;
    MicrosoftAppPassword?: string;
    MicrosoftAppType?: string;
    MicrosoftAppTenantId?: string;
  };
  /** The bot's app id (MicrosoftAppId); undefined only in local mode. */
  appId?: string;
  /** TEAMS_LOCAL=1: no credentials, no authentication. */
  local: boolean;
  /**
   * Where proactive messages go before any activity told us (TEAMS_SERVICE_URL; default the
   * global Teams endpoint). The serviceUrl of incoming activities takes over once seen.
   */
  serviceUrl: string;
  /** The tenant for new conversations (MicrosoftAppTenantId or TEAMS_TENANT_ID). */
  tenantId?: string;
  port: number;
  host?: string;
}

export interface Config {
  /** Present when Slack is configured; `npm start` then serves Slack instead of the terminal chat. */
  slack?: SlackConfig;
  /** Present when Teams is configured: `/api/messages`, on Slack's server and PORT when both are. */
  teams?: TeamsConfig;
  /** Today's date in New York; ICE_PROTOCOL_TODAY pins it (tests, reproducible runs). */
  today: () => string;
  /** ESCALATION_CONFIG: the escalation settings file; unset runs a chat platform without escalation. */
  escalationConfigPath?: string;
  /** Where a chat platform keeps profiles and cases (set with Slack or Teams). */
  database?: DatabaseConfig;
}

/** The case and profile database: a PostgreSQL server, else the embedded PGlite in a folder. */
export interface DatabaseConfig {
  /** DATABASE_URL: a PostgreSQL server (several bot instances may share it). */
  url?: string;
  /** PGLITE_DATA_DIR: the embedded database's folder when no URL is set (default ./data/pglite). */
  dataDir?: string;
}

type Env = Record<string, string | undefined>;

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function readPort(env: Env): number {
  const raw = nonEmpty(env, "PORT");
  if (raw === undefined) return 3000;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a port number from 0 to 65535, not "${raw}"`);
  }
  return port;
}

function readApiUrl(env: Env): string | undefined {
  const raw = nonEmpty(env, "SLACK_API_URL");
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`SLACK_API_URL must be a URL such as https://slack.com/api/, not "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ConfigError(`SLACK_API_URL must be http(s), not "${raw}"`);
  // The Web API client joins method names onto the base: "https://host/api" + "/" + "chat.postMessage".
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

function readSlack(env: Env): SlackConfig | undefined {
  const signingSecret = nonEmpty(env, "SLACK_SIGNING_SECRET");
  const botToken = nonEmpty(env, "SLACK_BOT_TOKEN");
  const appToken = nonEmpty(env, "SLACK_APP_TOKEN");
  if (!signingSecret && !botToken && !appToken) return undefined;
  // Half a configuration is a mistake to report, not a reason to open the terminal chat.
  if (!botToken)
    throw new ConfigError("SLACK_BOT_TOKEN is not set (the bot token, xoxb-...), but other SLACK_* settings are");
  if (!appToken && !signingSecret) {
    throw new ConfigError(
      "SLACK_SIGNING_SECRET is not set: the HTTP receiver needs it to verify requests (or set SLACK_APP_TOKEN for Socket Mode)",
    );
  }
  const botId = nonEmpty(env, "SLACK_BOT_ID");
  const botUserId = nonEmpty(env, "SLACK_BOT_USER_ID");
  if ((botId === undefined) !== (botUserId === undefined)) {
    throw new ConfigError(
      "set both SLACK_BOT_ID and SLACK_BOT_USER_ID, or neither (the app then calls auth.test once at start)",
    );
  }
  const apiUrl = readApiUrl(env);
  const host = nonEmpty(env, "HOST");
  return {
    mode: appToken ? "socket" : "http",
    ...(signingSecret ? { signingSecret } : {}),
    botToken,
    ...(appToken ? { appToken } : {}),
    ...(apiUrl ? { apiUrl } : {}),
    ...(botId && botUserId ? { botId, botUserId } : {}),
    port: readPort(env),
    ...(host ? { host } : {}),
  };
}

function readToday(env: Env): () => string {
  const pinned = nonEmpty(env, "ICE_PROTOCOL_TODAY");
  if (pinned === undefined) return () => todayInNewYork();
  if (!isIsoDate(pinned)) throw new ConfigError(`ICE_PROTOCOL_TODAY must be a date as YYYY-MM-DD, not "${pinned}"`);
  return () => pinned;
}

export const TEAMS_DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams/";
const APP_TYPES = ["MultiTenant", "SingleTenant", "UserAssignedMSI"];

function readTeams(env: Env): TeamsConfig | undefined {
  const appId = nonEmpty(env, "MicrosoftAppId");
  const password = nonEmpty(env, "MicrosoftAppPassword");
  const appType = nonEmpty(env, "MicrosoftAppType");
  const tenantId = nonEmpty(env, "MicrosoftAppTenantId");
  const localRaw = nonEmpty(env, "TEAMS_LOCAL");
  const local = localRaw === "1" || localRaw === "true";
  if (localRaw !== undefined && !local && localRaw !== "0" && localRaw !== "false") {
    throw new ConfigError(`TEAMS_LOCAL must be 1 or 0, not "${localRaw}"`);
  }
  if (!appId && !password && !local) return undefined;
  if (local) {
    if (env.NODE_ENV?.trim() === "production") {
      throw new ConfigError(
        "TEAMS_LOCAL=1 turns off authentication of Teams requests and is refused when NODE_ENV=production; set MicrosoftAppId and MicrosoftAppPassword instead",
      );
    }
    if (appId || password) {
      throw new ConfigError(
        "TEAMS_LOCAL=1 is for running without credentials, but MicrosoftAppId/MicrosoftAppPassword are set: unset one or the other",
      );
    }
  } else {
    if (!appId) throw new ConfigError("MicrosoftAppId is not set (the bot's app id), but MicrosoftAppPassword is");
    if (appType !== undefined && !APP_TYPES.includes(appType)) {
      throw new ConfigError(`MicrosoftAppType must be one of ${APP_TYPES.join(", ")}, not "${appType}"`);
    }
    if (!password && appType !== "UserAssignedMSI") {
      throw new ConfigError(
        "MicrosoftAppPassword is not set: the bot needs it to answer in Teams (or use MicrosoftAppType=UserAssignedMSI)",
      );
    }
    if (appType === "SingleTenant" && !tenantId) {
      throw new ConfigError(
        "MicrosoftAppType=SingleTenant needs MicrosoftAppTenantId (your Microsoft Entra tenant id)",
      );
    }
  }
  const rawServiceUrl = nonEmpty(env, "TEAMS_SERVICE_URL") ?? TEAMS_DEFAULT_SERVICE_URL;
  let serviceUrl: URL;
  try {
    serviceUrl = new URL(rawServiceUrl);
  } catch {
    throw new ConfigError(
      `TEAMS_SERVICE_URL must be a URL such as ${TEAMS_DEFAULT_SERVICE_URL}, not "${rawServiceUrl}"`,
    );
  }
  if (serviceUrl.protocol !== "https:" && !(local && serviceUrl.protocol === "http:")) {
    throw new ConfigError(`TEAMS_SERVICE_URL must be https, not "${rawServiceUrl}"`);
  }
  const host = nonEmpty(env, "HOST");
  const tenant = tenantId ?? nonEmpty(env, "TEAMS_TENANT_ID");
  return {
    auth: {
      ...(appId ? { MicrosoftAppId: appId } : {}),
      ...(password ? { MicrosoftAppPassword: password } : {}),
      ...(appType ? { MicrosoftAppType: appType } : {}),
      ...(tenantId ? { MicrosoftAppTenantId: tenantId } : {}),
    },
    ...(appId ? { appId } : {}),
    local,
    serviceUrl: serviceUrl.href,
    ...(tenant ? { tenantId: tenant } : {}),
    port: readPort(env),
    ...(host ? { host } : {}),
  };
}

function readDatabase(env: Env): DatabaseConfig {
  const url = nonEmpty(env, "DATABASE_URL");
  const dataDir = nonEmpty(env, "PGLITE_DATA_DIR");
  if (url && !/^postgres(?:ql)?:\/\//.test(url)) {
    throw new ConfigError(
      "DATABASE_URL must be a PostgreSQL URL such as postgresql://user@host:5432/ice, or unset for the embedded database",
    );
  }
  return { ...(url ? { url } : {}), ...(dataDir ? { dataDir } : {}) };
}

export function readConfig(env: Env): Config {
  const slack = readSlack(env);
  const teams = readTeams(env);
  // Without Slack or Teams, `npm start` is the terminal chat, which reads its own settings as before.
  if (!slack && !teams) return { today: () => todayInNewYork() };
  const escalationConfigPath = nonEmpty(env, "ESCALATION_CONFIG");
  return {
    ...(slack ? { slack } : {}),
    ...(teams ? { teams } : {}),
    today: readToday(env),
    ...(escalationConfigPath ? { escalationConfigPath } : {}),
    database: readDatabase(env),
  };
}
