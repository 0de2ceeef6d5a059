/**
 * The Teams app package as Teams' uploader checks it: a zip with manifest.json, color.png and
 * outline.png at its top; the manifest's required fields and limits (schema v1.17: ids as
 * GUIDs, name and description lengths, https developer URLs, the bot with scopes personal,
 * team and groupChat, at most 10 commands that the bot actually handles, valid domains
 * without a scheme); and the icons' sizes (192x192 colour, 32x32 white-on-transparent).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildTeamsPackage, PackageError } from "../../../src/channels/teams/package.js";
import { parseCommand } from "../../../src/channels/teams/labels.js";

const BOT_ID = "6f1c7d3a-1111-4000-8000-00000000b07a";

/** The files of a zip (central directory, deflate or store), as an uploader reads them. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extra = buf.readUInt16LE(p + 30);
    const comment = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLength).toString("utf8");
    expect(buf.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    p += 46 + nameLength + extra + comment;
  }
  return files;
}

/** Width, height and RGBA pixels of a PNG written as 8-bit RGBA without filters. */
function readPng(buf: Buffer): { width: number; height: number; colorType: number; pixels: Buffer } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const colorType = buf.readUInt8(25);
  const idat: Buffer[] = [];
  for (let p = 8; p < buf.length;) {
    const length = buf.readUInt32BE(p);
    if (buf.toString("ascii", p + 4, p + 8) === "IDAT") idat.push(buf.subarray(p + 8, p + 8 + length));
    p += 12 + length;
  }
  return { width, height, colorType, pixels: inflateSync(Buffer.concat(idat)) };
}

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const https = z.url({ protocol: /^https$/ });
const scope = z.enum(["personal", "team", "groupChat"]);
/** The fields Teams requires (and the limits it enforces) for a bot app, manifest v1.17+. */
const manifestSchema = z.looseObject({
  $schema: z.string().regex(/\/teams\/v1\.(1[7-9]|2\d)\/MicrosoftTeams\.schema\.json$/),
  manifestVersion: z.string().regex(/^1\.(1[7-9]|2\d)$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  id: guid,
  developer: z.strictObject({
    name: z.string().min(1).max(32),
    websiteUrl: https,
    privacyUrl: https,
    termsOfUseUrl: https,
    mpnId: z.string().optional(),
  }),
  name: z.strictObject({ short: z.string().min(1).max(30), full: z.string().max(100).optional() }),
  description: z.strictObject({ short: z.string().min(1).max(80), full: z.string().min(1).max(4000) }),
  icons: z.strictObject({ color: z.literal("color.png"), outline: z.literal("outline.png") }),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  bots: z
    .array(
      z.strictObject({
        botId: guid,
        scopes: z.array(scope).min(1),
        supportsFiles: z.boolean().optional(),
        isNotificationOnly: z.boolean().optional(),
        commandLists: z
          .array(
            z.strictObject({
              scopes: z.array(scope).min(1),
              commands: z
                .array(z.strictObject({ title: z.string().min(1).max(32), description: z.string().min(1).max(128) }))
                .max(10),
            }),
          )
          .max(3)
          .optional(),
      }),
    )
    .length(1),
  permissions: z.array(z.enum(["identity", "messageTeamMembers"])).optional(),
  validDomains: z.array(z.string().regex(/^(\*\.)?[a-z0-9.-]+\.[a-z]{2,}$/i)).max(16),
});

describe("the Teams app package", () => {
  const { zip } = buildTeamsPackage({
    botId: BOT_ID,
    version: "0.1.0",
    domain: "https://ice-protocol.agency.nyc.gov/",
  });
  const files = unzip(zip);

  it("holds manifest.json and the two icons at the top of the zip", () => {
    expect([...files.keys()].sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
  });

  it("has the manifest fields Teams requires, with the bot's id, the three scopes and the domain", () => {
    const manifest = JSON.parse(files.get("manifest.json")!.toString("utf8"));
    const parsed = manifestSchema.safeParse(manifest);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
    expect(manifest.id).toBe(BOT_ID);
    expect(manifest.bots[0].botId).toBe(BOT_ID);
    expect(manifest.bots[0].scopes.sort()).toEqual(["groupChat", "personal", "team"]);
    expect(manifest.validDomains).toEqual(["ice-protocol.agency.nyc.gov"]);
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{[A-Z_]+\}\}/);
  });

  it("lists exactly the commands the bot handles", () => {
    const manifest = JSON.parse(files.get("manifest.json")!.toString("utf8"));
    const titles: string[] = manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title);
    expect(titles.sort()).toEqual(["cases", "help", "role", "sources"]);
    for (const title of titles) expect(parseCommand(title).kind).toBe(title);
  });

  it("has a 192x192 colour icon and a 32x32 outline icon, white on transparent", () => {
    const color = readPng(files.get("color.png")!);
    expect([color.width, color.height, color.colorType]).toEqual([192, 192, 6]);
    const outline = readPng(files.get("outline.png")!);
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    let white = 0;
    let clear = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const at = y * (32 * 4 + 1) + 1 + x * 4;
        const [r, g, b, a] = [...outline.pixels.subarray(at, at + 4)];
        if (a === 0) clear++;
        else {
          expect([r, g, b, a]).toEqual([255, 255, 255, 255]);
          white++;
        }
      }
    }
    expect(white).toBeGreaterThan(30);
    expect(clear).toBeGreaterThan(500);
  });

  it("is reproducible byte for byte", () => {
    expect(buildTeamsPackage({ botId: BOT_ID, version: "0.1.0", domain: "ice-protocol.agency.nyc.gov" }).zip).toEqual(
      zip,
    );
  });

  it("refuses a bot id that is not an app id, and a domain with a path", () => {
    expect(() => buildTeamsPackage({ botId: "", version: "0.1.0" })).toThrow(PackageError);
    expect(() => buildTeamsPackage({ botId: "my-bot", version: "0.1.0" })).toThrow(/Microsoft App ID/);
    expect(() => buildTeamsPackage({ botId: BOT_ID, version: "0.1.0", domain: "not a domain" })).toThrow(PackageError);
  });

  it("npm run teams:package writes the zip (when the build is there)", () => {
    const cli = join(process.cwd(), "dist/channels/teams/package-cli.js");
    if (!existsSync(cli)) return; // `npm test` before any build: the function is tested above
    const dir = mkdtempSync(join(tmpdir(), "teams-package-"));
    try {
      const out = join(dir, "app.zip");
      execFileSync(process.execPath, [cli, "--out", out, "--domain", "ice-protocol.agency.nyc.gov"], {
        env: { ...process.env, MicrosoftAppId: BOT_ID },
        stdio: "pipe",
      });
      expect([...unzip(readFileSync(out)).keys()].sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
