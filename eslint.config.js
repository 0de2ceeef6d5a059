// ESLint 9 flat config: typescript-eslint's recommended rules on our TypeScript, with the
// few Node globals the plain-JS launchers use. Type-aware rules are left off so `npm run
// lint` stays fast and needs no build.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    // Build output, dependencies, local data, and code Prisma generates.
    ignores: ["dist/", "node_modules/", "data/", "coverage/", "src/db/generated/"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: {
      sourceType: "module",
      globals: { process: "readonly", console: "readonly", URL: "readonly" },
    },
  },
  {
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring, callback signatures).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
);
