// Lint: typescript-eslint's recommended rules over every package, and bounds on how long and how
// branchy a function may get; formatting is prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Lines of a function, not counting blank lines and comments. */
const linesPerFunction = (max) => ["error", { max, skipBlankLines: true, skipComments: true }];

export default tseslint.config(
  { ignores: ["**/dist/**", "**/bundle/**", "**/node_modules/**", "runs/**", "bench-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Every package's sources: a function reads as a list of named steps.
  {
    files: ["packages/*/src/**/*.ts"],
    rules: { "max-lines-per-function": linesPerFunction(80), complexity: ["error", 20] },
  },
  // The run's phases and the checks are where scenarios, faults and analyses plug in: kept smallest.
  {
    files: ["packages/orchestrator/src/run/**/*.ts", "packages/orchestrator/src/checks/**/*.ts"],
    rules: { "max-lines-per-function": linesPerFunction(80), complexity: ["error", 10] },
  },
  // The membership engine: one mechanism per module.
  {
    files: ["packages/node/src/membership/**/*.ts"],
    rules: { "max-lines-per-function": linesPerFunction(60), complexity: ["error", 15] },
  },
);
