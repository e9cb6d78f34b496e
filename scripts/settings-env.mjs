// Prints `export NAME='value'` lines for the "Values" of a local.settings.json file, so that
// run.sh and the Functions host read the very same local settings. Existing environment wins.
import { readFileSync } from "node:fs";

const file = process.argv[2];
const values = JSON.parse(readFileSync(file, "utf8")).Values ?? {};
for (const [name, value] of Object.entries(values)) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || process.env[name] !== undefined) continue;
  console.log(`export ${name}='${String(value).replaceAll("'", "'\\''")}'`);
}
