// Lints Cypher statements with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support, the engine behind Neo4j's editors).
//
// stdin:  {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//          "statements": [{"name": "...", "cypher": "...", "params": {"name": value, ...}}]}
// stdout: [{"name": "...", "diagnostics": [{"severity": "error"|"warning"|..., "message": "...",
//          "line": 1, "column": 1}]}]
//
// Procedure and function signatures come from the package's own testData.mockSchema, a registry dumped
// from a Neo4j 5 server with APOC and Graph Data Science installed, so a misspelt procedure or a wrong
// argument count is reported as the server would report it.
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function dbSchemaFor(schema, params) {
  return {
    labels: schema.labels ?? [],
    relationshipTypes: schema.relationshipTypes ?? [],
    propertyKeys: schema.propertyKeys ?? [],
    procedures: testData.mockSchema.procedures,
    functions: testData.mockSchema.functions,
    parameters: params ?? {},
  };
}

function lintOne(statement, schema) {
  const { diagnostics } = lintCypherQuery(statement.cypher, dbSchemaFor(schema, statement.params));
  return {
    name: statement.name,
    diagnostics: diagnostics.map((d) => ({
      severity: SEVERITY[d.severity] ?? String(d.severity),
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  };
}

const input = JSON.parse(await readStdin());
const results = input.statements.map((statement) => lintOne(statement, input.schema ?? {}));
process.stdout.write(JSON.stringify(results) + '\n');
