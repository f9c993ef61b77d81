// Bad content types and malformed JSON.
// Part of the property-based bad-input tests: see index.ts.
import fc from 'fast-check';
import type { Operation } from './document';
import { GeneratedRequest, type Target, assemble, validPieces } from './requests';
import { toJsonText } from './schemas';
import type { Hints } from './valid-values';

export function contentTypeRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  type Variant = { contentType: string | null; body?: (json: string) => string; mustRefuse: boolean };
  const variants: Variant[] = [
    { contentType: null, mustRefuse: true },
    { contentType: '', mustRefuse: true },
    { contentType: 'text/plain', mustRefuse: true },
    { contentType: 'text/plain; charset=utf-8', mustRefuse: true },
    { contentType: 'application/xml', body: () => '<?xml version="1.0"?><request/>', mustRefuse: true },
    { contentType: 'text/xml', mustRefuse: true },
    { contentType: 'application/x-www-form-urlencoded', body: () => 'a=1&b=2', mustRefuse: true },
    { contentType: 'multipart/form-data; boundary=xyz', body: () => '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--', mustRefuse: true },
    { contentType: 'application/octet-stream', mustRefuse: true },
    { contentType: 'application/merge-patch+json', mustRefuse: true },
    { contentType: 'application/problem+json', mustRefuse: true },
    { contentType: 'application/jsonl', mustRefuse: true },
    { contentType: 'application/json; charset=latin1', mustRefuse: true },
    { contentType: 'application/json; charset=utf-16', mustRefuse: true },
    { contentType: 'json', mustRefuse: true },
    { contentType: '*/*', mustRefuse: true },
    { contentType: 'application/json; charset=utf-8', mustRefuse: false },
    { contentType: 'Application/JSON', mustRefuse: false },
  ];
  return fc.tuple(validPieces(op, target, hints), fc.constantFrom(...variants)).map(([p, v]) => {
    const json = toJsonText(p.body ?? {});
    return assemble(op, target, p, {
      kind: 'content-type', note: `Content-Type: ${v.contentType === null ? '(none)' : JSON.stringify(v.contentType)}`,
      contentType: v.contentType, bodyText: v.body ? v.body(json) : json, mustRefuse: v.mustRefuse,
    });
  });
}

/** Whether the JSON body parser accepts the text (strict: an object or an array; a BOM is dropped; empty is no body). */
function parsesAsJsonBody(text: string): boolean {
  const t = text.replace(/^\uFEFF/, '');
  if (t.trim() === '') return true;
  try {
    const v: unknown = JSON.parse(t);
    return v !== null && typeof v === 'object';
  } catch {
    return false;
  }
}

export function malformedJsonRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  const junk = fc.constantFrom('{', '}', '[', '{"a":}', '{"a" 1}', "{'a':1}", '{a:1}', '{"a":1,}', '[1,]', '{"a":NaN}', '{"a":Infinity}',
    '{"a":1} // comment', '/* c */ {}', '{"a":"\\x41"}', '{"a":"\u0001"}', 'null', 'true', '1', '"text"', '{"a":1}{"b":2}', '\uFEFF\uFEFF{}',
    '{"a":01}', '{"a":.5}', '{"a":-}', `${'['.repeat(5000)}${']'.repeat(4999)}`, 'undefined', '<xml/>');
  const texts = fc.tuple(validPieces(op, target, hints), fc.oneof(
    junk,
    // a valid body cut short, or with trailing junk
    fc.tuple(validPieces(op, target, hints), fc.nat()).map(([p, n]) => {
      const text = toJsonText(p.body ?? { a: 1 });
      return text.slice(0, n % text.length);
    }),
    fc.tuple(validPieces(op, target, hints), fc.constantFrom(',', '}', ']', 'x', '\u0000')).map(([p, tail]) => toJsonText(p.body ?? { a: 1 }) + tail),
  )).filter(([, text]) => !parsesAsJsonBody(text));
  return texts.map(([p, text]) => assemble(op, target, p, {
    kind: 'malformed-json', note: 'not a JSON object or array', bodyText: text, contentType: 'application/json', mustRefuse: true,
  }));
}

/** The kinds of input that apply to an operation. */
