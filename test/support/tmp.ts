/**
 * Temporary folders for suites that copy the pack or the sources and break them: each
 * folder made through `tempDirs()` is removed after the calling file's tests.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

export function tempDirs(): (prefix: string, copyOf?: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix, copyOf) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    if (copyOf) cpSync(copyOf, dir, { recursive: true });
    return dir;
  };
}
