// The properties: one per (operation, kind), run by fast-check.
// Part of the property-based bad-input tests: see index.ts.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { ContractViolation, checkAnswer, differences } from './check';
import type { Operation } from './document';
import { kindsFor, oversizedHeads, requestsFor, wrongMethods } from './kinds';
import { GeneratedRequest, type Kind, type Target, authHeaders } from './requests';
import { getJson, send } from './wire';

export const numRuns = Number(process.env.FC_NUM_RUNS ?? 50);
export const seed = Number(process.env.FC_SEED ?? 20261125);
const replayPath = process.env.FC_PATH;
const verbose = process.env.FC_VERBOSE === '1' ? 2 : 0;

/** A jest timeout for one property: generous, because a failing property also shrinks. */
export const PROPERTY_TIMEOUT_MS = 120_000;

const stateAfterRefusal = new WeakMap<Target, unknown>();

/** Sends one request and holds the answer (and, after a refusal, the state) to the document. */
async function exercise(target: Target, op: Operation, req: GeneratedRequest): Promise<void> {
  const checksState = req.kind !== 'valid';
  const entity = () => (req.entityPath ? getJson(target.baseUrl(), req.entityPath, entityAuth(target, req.entityPath)) : undefined);
  let before: unknown;
  if (checksState) {
    before = { state: stateAfterRefusal.has(target) ? stateAfterRefusal.get(target) : await target.snapshot(req), entity: await entity() };
  }
  stateAfterRefusal.delete(target);
  const answer = await send(target.baseUrl(), req);
  const wrong = checkAnswer(op, req, answer);
  if (checksState && (answer.status < 200 || answer.status >= 300)) {
    const after = { state: await target.snapshot(req), entity: await entity() };
    if (!isDeepStrictEqual(before, after)) wrong.push(`the state changed after a refused request: ${differences(before, after).join('; ')}`);
    else stateAfterRefusal.set(target, after.state);
  }
  if (wrong.length > 0) throw new ContractViolation(wrong, req, answer);
}

/** The bearer token of the GET operation of an entity path, if it needs one. */
function entityAuth(target: Target, entityPath: string): Record<string, string> {
  const get = target.operations.find((o) => o.method === 'GET' && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(entityPath));
  return get ? authHeaders(get, target) : {};
}

const assertOptions = <T>(): fc.Parameters<T> => ({ numRuns, seed, verbose, ...(replayPath ? { path: replayPath } : {}) });

/** One property: any request of `kind` for `op`. */
export async function checkOperation(target: Target, op: Operation, kind: Kind): Promise<void> {
  stateAfterRefusal.delete(target);
  await fc.assert(fc.asyncProperty(requestsFor(op, kind, target), (req) => exercise(target, op, req)), assertOptions<[GeneratedRequest]>());
}

/** One property over every operation of the service (wrong methods, oversized heads). */
export async function checkService(target: Target, kind: 'wrong-method' | 'oversized-head'): Promise<void> {
  stateAfterRefusal.delete(target);
  const arb = kind === 'wrong-method' ? wrongMethods(target) : oversizedHeads(target);
  const operation = (id: string) => target.operations.find((o) => o.operationId === id)!;
  await fc.assert(fc.asyncProperty(arb, (req) => exercise(target, operation(req.operationId), req)), assertOptions<[GeneratedRequest]>());
}

/** The jest tests for a service: one per (operation, kind), then the service-wide ones. */
export function propertyTests(target: Target): Array<{ name: string; run: () => Promise<void> }> {
  const tests = target.operations.flatMap((op) => kindsFor(op).map((kind) => ({
    name: `${op.operationId} (${op.method} ${op.path}): ${kind}`,
    run: () => checkOperation(target, op, kind),
  })));
  tests.push(
    { name: 'every path: a method the document does not list', run: () => checkService(target, 'wrong-method') },
    { name: 'every operation: a request head over Node\'s 16 KiB limit', run: () => checkService(target, 'oversized-head') },
  );
  return tests;
}
