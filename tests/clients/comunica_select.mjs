// Run one SPARQL query with Comunica against a SPARQL endpoint; print the bindings as JSON lines.
// Usage: node comunica_select.mjs ENDPOINT QUERY
import { QueryEngine } from "@comunica/query-sparql";

const [endpoint, query] = process.argv.slice(2);
const engine = new QueryEngine();
const stream = await engine.queryBindings(query, { sources: [{ type: "sparql", value: endpoint }] });
for await (const bindings of stream) {
  const row = {};
  for (const [variable, term] of bindings) row[variable.value] = term.value;
  console.log(JSON.stringify(row));
}
