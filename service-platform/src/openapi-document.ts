import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, unknown> };

/** Reads an OpenAPI document (YAML or JSON). The file in openapi/ is the source of truth. */
export function loadOpenApiDocument(file: string): OpenApiDocument {
  const doc = parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  if (!doc || typeof doc.paths !== 'object') throw new Error(`${file} is not an OpenAPI document`);
  return doc;
}

/**
 * The document with `components.schemas[schema].properties[property].maximum` set to `maximum`:
 * a limit the operator configures (a TTL's ceiling) is then the one the served document states and
 * the edge validator enforces. The file keeps the default; the document given is not changed.
 */
export function withMaximum(doc: OpenApiDocument, schema: string, property: string, maximum: number): OpenApiDocument {
  const copy = structuredClone(doc);
  const target = (copy.components as { schemas?: Record<string, { properties?: Record<string, { maximum?: number }> }> } | undefined)
    ?.schemas?.[schema]?.properties?.[property];
  if (!target || typeof target.maximum !== 'number') throw new Error(`the document has no maximum at ${schema}.${property}`);
  target.maximum = maximum;
  return copy;
}
