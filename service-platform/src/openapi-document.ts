import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, unknown> };

/** Reads an OpenAPI document (YAML or JSON). The file in openapi/ is the source of truth. */
export function loadOpenApiDocument(file: string): OpenApiDocument {
  const doc = parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  if (!doc || typeof doc.paths !== 'object') throw new Error(`${file} is not an OpenAPI document`);
  return doc;
}
