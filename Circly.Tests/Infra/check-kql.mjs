// Parses and analyses KQL queries with Kusto.Language (the engine behind Azure Monitor's editors)
// against a schema, and prints every diagnostic. Used by InfraContractTests.
//   node check-kql.mjs input.json, with input.json = {"tables": {"requests": "(timestamp:datetime, ...)"}, "queries": {"file.kql": "requests | ..."}}
// Prints {"file.kql": ["Error: ...", ...], ...}: an empty list for a query without problems.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
require("@kusto/language-service-next/bridge.min.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
const K = globalThis.Kusto.Language;

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const tables = Object.entries(input.tables).map(([name, schema]) => K.Symbols.TableSymbol.From(schema).WithName(name));
const database = new K.Symbols.DatabaseSymbol.$ctor1("appinsights", tables, false);
const globals = K.GlobalState.Default.WithDatabase(database);

const results = {};
for (const [name, query] of Object.entries(input.queries)) {
  const diagnostics = K.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
  results[name] = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const diagnostic = diagnostics.getItem(i);
    results[name].push(`${diagnostic.Severity}: ${diagnostic.Message}`);
  }
}
process.stdout.write(JSON.stringify(results));
