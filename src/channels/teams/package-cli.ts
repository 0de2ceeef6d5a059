/**
 * `npm run teams:package [-- --bot-id GUID --domain HOST --out FILE --app-id GUID]`: writes
 * the Teams app package (manifest.json and the two icons, zipped) to upload in the Teams
 * admin center or to sideload. The bot id defaults to MicrosoftAppId and the domain to
 * TEAMS_APP_DOMAIN, the same environment the bot runs with.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildTeamsPackage, PackageError } from "./package.js";

const USAGE = `usage: npm run teams:package -- [--bot-id GUID] [--domain HOST] [--app-id GUID] [--out FILE]
  --bot-id   the bot's Microsoft App ID (default: env MicrosoftAppId)
  --domain   where the bot is reached, e.g. ice-protocol.agency.nyc.gov (default: env TEAMS_APP_DOMAIN)
  --app-id   the Teams app's own id (default: the bot id)
  --out      where to write the zip (default: dist/ice-protocol-teams.zip)`;

function main(argv: string[], env: NodeJS.ProcessEnv): number {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "bot-id": { type: "string" },
        "app-id": { type: "string" },
        domain: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    process.stderr.write(`teams:package: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
  const version = (JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { version: string }).version;
  const botId = (values["bot-id"] as string | undefined) ?? env.MicrosoftAppId;
  const domain = (values.domain as string | undefined) ?? env.TEAMS_APP_DOMAIN;
  const out = resolve((values.out as string | undefined) ?? resolve(root, "dist/ice-protocol-teams.zip"));
  try {
    const { zip, manifest } = buildTeamsPackage({
      botId: botId ?? "",
      version,
      ...(domain ? { domain } : {}),
      ...(values["app-id"] ? { appId: values["app-id"] as string } : {}),
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, zip);
    const domains = manifest.validDomains as string[];
    process.stdout.write(
      `teams:package: wrote ${out} (manifest ${String(manifest.manifestVersion)}, app ${String(manifest.id)}, bot ${botId}, ` +
        `${domains.length ? `domain ${domains[0]}` : "no valid domain: pass --domain if the app links to your site"})\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof PackageError)) throw error;
    process.stderr.write(`teams:package: ${error.message}\n${USAGE}\n`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2), process.env);
