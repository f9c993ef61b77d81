// Checks a service's problem table against its OpenAPI document, both ways (docs/commitments.md
// and docs/problem-tables.md). Used by each service's test/problem-table.test.ts.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type ProblemTable = Readonly<Record<string, { readonly status: number; readonly title: string }>>;

type Node = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Follows a local `$ref` ("#/components/responses/NotFound") to what it names. */
function resolve(doc: Node, node: unknown): Node {
  const ref = (node as Node | undefined)?.$ref;
  if (typeof ref !== 'string') return (node ?? {}) as Node;
  return resolve(doc, ref.replace(/^#\//, '').split('/').reduce<unknown>((n, key) => (n as Node)[key], doc));
}

/** The codes a problem schema lists (`code`'s enum or const). */
function codesOf(doc: Node, schema: Node): string[] {
  const code = resolve(doc, (schema.properties as Node | undefined)?.code);
  if (Array.isArray(code.enum)) return code.enum as string[];
  return typeof code.const === 'string' ? [code.const] : [];
}

/** Every (operation, status, code) the document's problem+json responses list. */
export function documentedProblems(documentFile: string): Array<{ operation: string; status: number; code: string }> {
  const doc = parse(readFileSync(documentFile, 'utf8')) as Node;
  const found: Array<{ operation: string; status: number; code: string }> = [];
  for (const [path, item] of Object.entries(doc.paths as Node)) {
    for (const method of METHODS) {
      const op = (item as Node)[method] as Node | undefined;
      if (!op) continue;
      for (const [status, response] of Object.entries((op.responses ?? {}) as Node)) {
        const schema = (resolve(doc, response).content as Node | undefined)?.['application/problem+json'] as Node | undefined;
        if (!schema) continue;
        const operation = String(op.operationId ?? `${method.toUpperCase()} ${path}`);
        for (const code of codesOf(doc, resolve(doc, schema.schema))) found.push({ operation, status: Number(status), code });
      }
    }
  }
  return found;
}

export interface TableMismatches {
  /** Rows whose code the document lists for no operation with the row's status. */
  notDocumented: string[];
  /** Codes the document lists that neither the service's table nor the platform's has. */
  notInTable: string[];
}

/**
 * A service's table against its document: every row is documented for some operation with that
 * status (a route may answer a code with another status too, where its document says so), and
 * every documented code is a row of the service's table or of the platform's.
 */
export function checkProblemTable(table: ProblemTable, platform: ProblemTable, documentFile: string): TableMismatches {
  const documented = documentedProblems(documentFile);
  const notDocumented = Object.entries(table)
    .filter(([code, row]) => !documented.some((d) => d.code === code && d.status === row.status))
    .map(([code, row]) => `${code} (${row.status})`);
  const notInTable = [...new Set(documented.map((d) => d.code))]
    .filter((code) => !Object.hasOwn(table, code) && !Object.hasOwn(platform, code));
  return { notDocumented, notInTable };
}
