// Clients generated from the OpenAPI documents with openapi-typescript give a consumer typed
// errors: a consumer (typed-consumers/*.mts) narrows a problem by its status and code and reads
// its members without a cast, and the mistakes marked @ts-expect-error are refused.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const HERE = path.join(__dirname, 'typed-consumers');
const GENERATED = path.join(HERE, 'generated'); // ignored by git: made by this test

const generate = (doc: string) =>
  execFileSync(path.join(ROOT, 'node_modules/.bin/openapi-typescript'), [path.join(ROOT, 'openapi', `${doc}.yaml`), '-o', path.join(GENERATED, `${doc}.ts`)], { stdio: 'pipe' });

function diagnostics(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true, types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.relative(ROOT, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('Typed clients generated from the documents', () => {
  beforeAll(() => mkdirSync(GENERATED, { recursive: true }), 60_000);

  const consumers = readdirSync(HERE).filter((f) => f.endsWith('-consumer.mts'));
  test.each(consumers)('when %s is type-checked against its generated client, then it compiles without casts and every expected error is an error', (file) => {
    generate(file.replace('-consumer.mts', ''));
    expect(diagnostics(path.join(HERE, file))).toEqual([]);
  }, 60_000);
});
