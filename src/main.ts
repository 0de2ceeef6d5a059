/**
 * `npm start`: the composition root. With no platform configured it runs the main job on
 * the embedded defaults: an interactive chat in the terminal on the same core (or, when
 * standard input is not a terminal, usage and a clean exit).
 */
import { runCli } from "./channels/cli/main.js";

process.exitCode = await runCli(["chat"]);
