/**
 * The Teams app package: the manifest (teams/manifest.template.json, schema v1.17, filled in
 * with the bot's id, the version and the bot's domain) and the two icons Teams requires (a
 * 192x192 colour icon and a 32x32 white-on-transparent outline), zipped as Teams expects:
 * the three files at the top of the archive. Pure Node: the PNGs and the zip are written
 * here with zlib, so packaging needs nothing from the network.
 */
import { readFileSync } from "node:fs";
import { crc32, deflateRawSync, deflateSync } from "node:zlib";

const TEMPLATE = new URL("../../../teams/manifest.template.json", import.meta.url);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A host name, optionally with a leading "*." (what validDomains accepts: no scheme, no path). */
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export const DEFAULT_DEVELOPER = {
  name: "City of New York",
  websiteUrl: "https://www.nyc.gov/",
  privacyUrl: "https://www.nyc.gov/home/privacy-policy.page",
  termsOfUseUrl: "https://www.nyc.gov/home/terms-of-use.page",
};

export interface PackageOptions {
  /** The bot's Microsoft App ID (MicrosoftAppId): where Teams sends the messages. */
  botId: string;
  /** The Teams app's own id; by default the bot id. */
  appId?: string;
  /** The app version, x.y.z (package.json's). */
  version: string;
  /** Where the bot is reached, e.g. ice-protocol.agency.nyc.gov (no scheme). */
  domain?: string;
  developer?: Partial<typeof DEFAULT_DEVELOPER>;
}

export class PackageError extends Error {
  override name = "PackageError";
}

function httpsUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PackageError(`${what} must be an https URL, not "${value}"`);
  }
  if (url.protocol !== "https:") throw new PackageError(`${what} must be an https URL, not "${value}"`);
  return url.href;
}

/** The manifest for this deployment, from the committed template. */
export function buildManifest(options: PackageOptions): Record<string, unknown> {
  const botId = options.botId?.trim();
  if (!botId || !GUID.test(botId)) {
    throw new PackageError(
      `the bot id must be the bot's Microsoft App ID (a GUID, MicrosoftAppId), not "${options.botId ?? ""}"`,
    );
  }
  const appId = (options.appId ?? botId).trim();
  if (!GUID.test(appId)) throw new PackageError(`the Teams app id must be a GUID, not "${appId}"`);
  if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(options.version)) {
    throw new PackageError(`the version must be x.y.z, not "${options.version}"`);
  }
  const domain = options.domain
    ?.trim()
    .replace(/^https?:\/\//, "")
    .replace(/\/.*$/, "");
  if (domain && !DOMAIN.test(domain)) throw new PackageError(`the domain must be a host name, not "${options.domain}"`);
  const developer = { ...DEFAULT_DEVELOPER, ...options.developer };
  const values: Record<string, string> = {
    BOT_ID: botId,
    APP_ID: appId,
    VERSION: options.version,
    DOMAIN: domain ?? "",
    DEVELOPER_NAME: developer.name.slice(0, 32),
    WEBSITE_URL: httpsUrl(developer.websiteUrl, "the developer website"),
    PRIVACY_URL: httpsUrl(developer.privacyUrl, "the privacy statement URL"),
    TERMS_URL: httpsUrl(developer.termsOfUseUrl, "the terms of use URL"),
  };
  const template = readFileSync(TEMPLATE, "utf8");
  const filled = template.replace(/\{\{([A-Z_]+)\}\}/g, (_m, key: string) => {
    if (!(key in values)) throw new PackageError(`the manifest template names an unknown value {{${key}}}`);
    return JSON.stringify(values[key]).slice(1, -1);
  });
  const manifest = JSON.parse(filled) as Record<string, unknown>;
  manifest.validDomains = domain ? [domain] : [];
  return manifest;
}

// ---------------------------------------------------------------------------------------
// Icons

type Rgba = [number, number, number, number];

/** An RGBA PNG from a pixel function. */
export function png(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    raw[row] = 0; // no filter
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x, y);
      raw.writeUInt8(r, row + 1 + x * 4);
      raw.writeUInt8(g, row + 2 + x * 4);
      raw.writeUInt8(b, row + 3 + x * 4);
      raw.writeUInt8(a, row + 4 + x * 4);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(6, 9); // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Is (u, v) inside a shield whose box is [-0.5, 0.5] x [0, 1]? */
function inShield(u: number, v: number): boolean {
  if (v < 0 || v > 1) return false;
  const half = v <= 0.55 ? 0.5 : 0.5 * (1 - (v - 0.55) / 0.45);
  return Math.abs(u) <= half;
}

const ACCENT: Rgba = [0x1f, 0x4e, 0x79, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** 192x192: a white shield on the accent colour, full bleed (Teams rounds the corners). */
export function colorIcon(): Buffer {
  const size = 192;
  const box = 112;
  return png(size, size, (x, y) => {
    const u = (x + 0.5 - size / 2) / box;
    const v = (y + 0.5 - (size - box) / 2) / box;
    return inShield(u, v) ? WHITE : ACCENT;
  });
}

/** 32x32: a white shield outline on transparency, as Teams requires of the outline icon. */
export function outlineIcon(): Buffer {
  const size = 32;
  const box = 26;
  const stroke = 2.2 / box;
  return png(size, size, (x, y) => {
    const u = (x + 0.5 - size / 2) / box;
    const v = (y + 0.5 - (size - box) / 2) / box;
    const outer = inShield(u, v);
    const inner = inShield(u / (1 - 2 * stroke), (v - stroke) / (1 - 2.6 * stroke));
    return outer && !inner ? WHITE : CLEAR;
  });
}

// ---------------------------------------------------------------------------------------
// Zip (deflate, no directories, no extras: what the Teams uploader needs)

export function zip(files: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  // 1980-01-01 00:00 in DOS time: a fixed date keeps the package byte-for-byte reproducible.
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  for (const file of files) {
    const name = Buffer.from(file.name, "utf8");
    const compressed = deflateRawSync(file.data);
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The package to upload to Teams: manifest.json, color.png and outline.png in one zip. */
export function buildTeamsPackage(options: PackageOptions): { zip: Buffer; manifest: Record<string, unknown> } {
  const manifest = buildManifest(options);
  const files = [
    { name: "manifest.json", data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8") },
    { name: "color.png", data: colorIcon() },
    { name: "outline.png", data: outlineIcon() },
  ];
  return { zip: zip(files), manifest };
}
