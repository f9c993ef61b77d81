// Which kinds of request an operation gets, and the service-wide ones (wrong methods, oversized heads).
// Part of the property-based bad-input tests: see index.ts.
import fc from 'fast-check';
import { contentTypeRequests, malformedJsonRequests } from './bad-content';
import { badHeaderRequests } from './bad-headers';
import { badPathRequests, badQueryRequests } from './bad-segments';
import type { Operation } from './document';
import { GeneratedRequest, type Kind, type Pieces, type Target, assemble, badBodyRequests, validPieces, validRequests } from './requests';
import type { Hints } from './valid-values';

export function kindsFor(op: Operation): Kind[] {
  const kinds: Kind[] = ['valid'];
  if (op.parameters.some((p) => p.in === 'path')) kinds.push('path');
  kinds.push('query', 'headers');
  if (op.body) kinds.push('body', 'content-type');
  kinds.push('malformed-json');
  return kinds;
}

export function requestsFor(op: Operation, kind: Kind, target: Target): fc.Arbitrary<GeneratedRequest> {
  const hints: Hints = { ...target.hints?.(), plain: kind !== 'valid' };
  switch (kind) {
    case 'valid': return validRequests(op, target, hints);
    case 'body': return badBodyRequests(op, target, hints);
    case 'path': return badPathRequests(op, target, hints);
    case 'query': return badQueryRequests(op, target, hints);
    case 'headers': return badHeaderRequests(op, target, hints);
    case 'content-type': return contentTypeRequests(op, target, hints);
    case 'malformed-json': return malformedJsonRequests(op, target, hints);
    default: throw new Error(`${kind} is generated per service, not per operation`);
  }
}

const NODE_MAX_HEADER_BYTES = 16 * 1024;

/** Requests whose head (request line and headers) is past Node's 16 KiB limit, on any operation. */
export function oversizedHeads(target: Target): fc.Arbitrary<GeneratedRequest> {
  const hints: Hints = { ...target.hints?.(), plain: true };
  return fc.tuple(fc.constantFrom(...target.operations), fc.integer({ min: NODE_MAX_HEADER_BYTES + 100, max: 4 * NODE_MAX_HEADER_BYTES }), fc.constantFrom('path', 'query', 'header'))
    .chain(([op, size, where]) => validPieces(op, target, hints).map((p) => {
      const huge = 'A'.repeat(size);
      const pathParam = op.parameters.find((q) => q.in === 'path');
      const [pieces, note]: [Pieces, string] = where === 'path' && pathParam
        ? [{ ...p, path: { ...p.path, [pathParam.name]: huge }, pathValid: false }, `${pathParam.name}: ${size} characters`]
        : where === 'query'
          ? [{ ...p, query: [...p.query, ['cursor', huge]] }, `a query of ${size} characters`]
          : [{ ...p, headers: { ...p.headers, 'x-padding': huge } }, `a header of ${size} characters`];
      return assemble(op, target, pieces, { kind: 'oversized-head', note, mustRefuse: true });
    }));
}

/** A documented path with a method the document does not list for it. */
export function wrongMethods(target: Target): fc.Arbitrary<GeneratedRequest> {
  const hints: Hints = { ...target.hints?.(), plain: true };
  return fc.tuple(fc.constantFrom(...target.operations), fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'))
    .filter(([op, m]) => !target.operations.some((o) => o.path === op.path && o.method === m))
    .chain(([op, method]) => validPieces(op, target, hints).map((p) => assemble(op, target, p, { kind: 'wrong-method', note: `${method} ${op.path}`, method, mustRefuse: true })));
}
