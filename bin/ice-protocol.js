#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the "prepare" script).
import { runCli } from "../dist/channels/cli/main.js";

process.exitCode = await runCli(process.argv.slice(2));
