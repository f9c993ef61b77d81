// Bad headers: required ones missing or bad, tokens, encodings, the platform's own.
// Part of the property-based bad-input tests: see index.ts.
import fc from 'fast-check';
import { MAX_SEGMENT } from './bad-segments';
import type { Operation } from './document';
import { describeValue, invalidValue } from './invalid-values';
import { GeneratedRequest, type HeaderValue, type Target, assemble, validPieces } from './requests';
import { isValid } from './schemas';
import { type Hints, validValue } from './valid-values';

const asReceived = (v: string) => v.replace(/^[ \t]+|[ \t]+$/g, '');
/** What a header value may hold on the wire (no CR, LF or NUL; latin1). */
const transmittable = (v: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v);
const isNumberText = (v: string) => /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(v);

export function badHeaderRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  type Change = { note: string; headers: (h: Record<string, HeaderValue>) => Record<string, HeaderValue>; mustRefuse: boolean; budgetSpent?: boolean };
  const set = (name: string, value: HeaderValue | undefined) => (h: Record<string, HeaderValue>) => {
    const copy = { ...h };
    if (value === undefined) delete copy[name];
    else copy[name] = value;
    return copy;
  };
  const changes: Array<fc.Arbitrary<Change>> = [];
  for (const p of op.parameters.filter((q) => q.in === 'header')) {
    const name = p.name.toLowerCase();
    if (p.required) changes.push(fc.constant({ note: `${p.name} missing`, headers: set(name, undefined), mustRefuse: true }));
    changes.push(fc.oneof(
      invalidValue({ ...p.schema, type: 'string' }, hints).filter((v): v is string => typeof v === 'string'),
      fc.constantFrom(' ', '\t', 'a b', 'é'),
    ).filter((v) => transmittable(v) && v.length <= MAX_SEGMENT).map((v) => ({
      note: `${p.name}: ${describeValue(v)}`, headers: set(name, v), mustRefuse: !isValid(p.schema, asReceived(v)),
    })));
    changes.push(fc.tuple(validValue(p.schema, hints, p.name), validValue(p.schema, hints, p.name)).map(([a, b]) => ({
      // Node joins a repeated header with ", "
      note: `${p.name} sent twice`, headers: set(name, [String(a), String(b)]), mustRefuse: !isValid(p.schema, `${a}, ${b}`),
    })));
  }
  const scheme = op.securitySchemes.find((s) => target.tokens?.[s]);
  if (scheme) {
    const token = target.tokens![scheme];
    const others = Object.values(target.tokens ?? {}).filter((t) => t !== token);
    const accepted = (v: string) => {
      const m = /^Bearer (.+)$/i.exec(asReceived(v));
      return m !== null && m[1] === token;
    };
    changes.push(fc.constant({ note: 'no Authorization', headers: set('authorization', undefined), mustRefuse: true }));
    changes.push(fc.oneof(
      fc.constantFrom('Bearer', 'Bearer ', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`, token, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`,
        `Bearer  ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer ${token} `, ...others.map((t) => `Bearer ${t}`)),
      fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
    ).filter(transmittable).map((v) => ({ note: `Authorization: ${v}`, headers: set('authorization', v), mustRefuse: !accepted(v) })));
    const bad = target.badTokens ?? [];
    if (bad.length > 0) {
      changes.push(fc.constantFrom(...bad).map((t) => ({ note: `Authorization: a refusable token ${t.slice(0, 24)}…`, headers: set('authorization', `Bearer ${t}`), mustRefuse: true })));
    }
  } else {
    changes.push(fc.constantFrom('Bearer nonsense', 'Basic Zm9vOmJhcg==', 'Bearer', '').map((v) => ({ note: `Authorization: ${v} (open operation)`, headers: set('authorization', v), mustRefuse: false })));
  }
  if (op.body) {
    changes.push(fc.constantFrom('gzip', 'deflate', 'br', 'x-gzip', 'compress', 'zstd', 'gzip, identity', 'chunked', 'junk', 'identity').map((v) => ({
      note: `Content-Encoding: ${v} on a body that is plain JSON`, headers: set('content-encoding', v), mustRefuse: v !== 'identity',
    })));
  }
  changes.push(fc.oneof(
    fc.constantFrom('0', '-1', '-0.5', '-1e9', '0.0').map((v) => ({ v, spent: true })),
    fc.constantFrom('600000', '1e9', 'abc', 'NaN', 'Infinity', '-Infinity', '', '1,5', '٣', 'ms', '--1').map((v) => ({ v, spent: false })),
  ).map(({ v, spent }) => ({
    note: `X-Request-Budget-Ms: ${JSON.stringify(v)}`, headers: set('x-request-budget-ms', v), mustRefuse: spent,
    budgetSpent: spent && isNumberText(v) && Number(v) <= 0,
  })));
  changes.push(fc.oneof(
    fc.tuple(fc.constantFrom('x-request-id', 'traceparent', 'accept', 'accept-charset', 'x-forwarded-for', 'cookie', 'prefer'),
      fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('00-zz-zz-01', '00-00000000000000000000000000000000-0000000000000000-00', 'application/xml', '*/*;q=0', 'a'.repeat(200)))),
  ).filter(([, v]) => transmittable(v)).map(([n, v]) => ({ note: `${n}: ${describeValue(v)}`, headers: set(n, v), mustRefuse: false })));
  return fc.tuple(validPieces(op, target, hints), fc.oneof(...changes)).map(([p, c]) =>
    assemble(op, target, { ...p, headers: c.headers(p.headers) }, { kind: 'headers', note: c.note, mustRefuse: c.mustRefuse, budgetSpent: c.budgetSpent }));
}
