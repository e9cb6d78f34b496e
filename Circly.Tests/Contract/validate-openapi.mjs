// Validates an OpenAPI document against the specification's own JSON Schema with
// @seriousme/openapi-schema-validator (independent of Microsoft.OpenApi). Used by OpenApiDocumentTests.
//   node validate-openapi.mjs openapi.json  →  {"valid": true|false, "version": "3.1", "errors": [...]}
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const validator = new Validator();
const result = await validator.validate(JSON.parse(readFileSync(process.argv[2], "utf8")));
process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? [] }));
