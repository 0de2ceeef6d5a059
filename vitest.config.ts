import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // The CLI tests run whole commands (eval over scenario files); give them room on slow CI.
    testTimeout: 20_000,
    // Never pick up a developer's ICE_PROTOCOL_TODAY: tests pin "today" themselves.
    env: { ICE_PROTOCOL_TODAY: "" },
  },
});
