// The trust table: every operation of the three documents × every spelling of its path × every
// kind of credential, listed out (not sampled), and what each answer may be. Used against the
// services directly and through the shipped nginx proxy.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Answer, loadOperations, type Operation, send } from './openapi-properties';
import type { System } from './system-harness';

const ROOT = path.resolve(__dirname, '..');
export type ServiceKey = 'catalog' | 'account' | 'order';
export const DOCUMENTS: Record<ServiceKey, Operation[]> = {
  catalog: loadOperations(path.join(ROOT, 'openapi/catalog.yaml')),
  account: loadOperations(path.join(ROOT, 'openapi/account.yaml')),
  order: loadOperations(path.join(ROOT, 'openapi/order.yaml')),
};

/** Spellings of a canonical path that the route gate refuses (404): none is the document's spelling. */
export function otherSpellings(p: string): Array<{ name: string; path: string }> {
  const first = p.split('/')[1];
  const hex = (c: string) => c.charCodeAt(0).toString(16);
  const lastSlash = p.lastIndexOf('/');
  return [
    { name: 'trailing slash', path: `${p}/` },
    { name: 'upper case', path: p.toUpperCase() },
    { name: 'first letter upper', path: `/${first[0].toUpperCase()}${p.slice(2)}` },
    { name: 'leading //', path: `/${p}` },
    { name: 'inner //', path: lastSlash > 0 ? `${p.slice(0, lastSlash)}/${p.slice(lastSlash)}` : `${p}//` },
    { name: '%2F for a /', path: lastSlash > 0 ? `${p.slice(0, lastSlash)}%2F${p.slice(lastSlash + 1)}` : `/%2F${p.slice(1)}` },
    { name: '%2e segment', path: `/%2e${p}` },
    { name: '%2E%2E segment', path: `/x/%2E%2E${p}` },
    { name: '. segment', path: `/.${p}` },
    { name: '.. segment', path: `/x/..${p}` },
    { name: 'encoded letter', path: `/%${hex(first[0])}${p.slice(2)}` },
    { name: 'backslash', path: lastSlash > 0 ? `${p.slice(0, lastSlash)}\\${p.slice(lastSlash + 1)}` : `/\\${p.slice(1)}` },
  ];
}

/** The fixture: Alice owns an order; Bob is another customer; ids nobody used yet for writes. */
export interface Fixture {
  sku: string;
  alice: string;
  bob: string;
  aliceOrderId: string;
  unusedId: string;
}

export type CredentialName = 'none' | 'garbage' | 'alice' | 'bob' | 'service' | 'admin';
export const CREDENTIAL_SCHEME: Record<CredentialName, string | undefined> = {
  none: undefined, garbage: undefined, alice: 'customerToken', bob: 'customerToken', service: 'serviceToken', admin: 'adminToken',
};

export async function credentialHeaders(system: System, f: Fixture): Promise<Record<CredentialName, Record<string, string>>> {
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  return {
    none: {},
    garbage: bearer('not-a-token-at-all'),
    alice: bearer(await system.auth.customerToken(f.alice)),
    bob: bearer(await system.auth.customerToken(f.bob)),
    service: bearer(system.auth.serviceToken),
    admin: bearer(system.auth.adminToken),
  };
}

/** The canonical path of an operation, on the fixture's entities (writes on ids never used). */
export function canonicalPath(op: Operation, f: Fixture): string {
  const values: Record<string, string> = { sku: f.sku, accountId: f.alice, orderId: f.aliceOrderId, reservationId: f.unusedId, holdId: f.unusedId };
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? 'x');
}

/** A body that the operation would accept if the caller were allowed: a bypass shows as a 2xx. */
export function bodyFor(op: Operation, f: Fixture): unknown {
  switch (op.operationId) {
    case 'putItem': return { name: 'Overwritten', priceCents: 0, currency: 'EUR' };
    case 'adjustStock': return { adjustmentId: randomUUID(), delta: -1, reason: 'correction' };
    case 'reserveStock': return { lines: [{ sku: f.sku, quantity: 1 }] };
    case 'putAccount': return { name: 'Overwritten', currency: 'EUR', creditLimitCents: 99_999_999 };
    case 'placeHold': return { accountId: f.alice, amountCents: 100, currency: 'EUR' };
    case 'placeOrder': return { accountId: f.alice, lines: [{ sku: f.sku, quantity: 1 }] };
    case 'settleOrder': return { action: 'accept', reason: 'the trust table tries to settle it' };
    default: return undefined;
  }
}

export interface TrustRequest {
  service: ServiceKey;
  op: Operation;
  spelling: string;
  method: string;
  path: string;
  credential: CredentialName;
  /** What the answer must be. */
  expect: 'route_not_found' | 'refused' | 'nothing_of_alice';
}

/**
 * Every request of the table. Another spelling: `404` whoever asks. The document's spelling (also
 * with a query string, and HEAD for GET) with a credential its `security` does not accept:
 * refused (≥ 400). Bob with a customer token on Alice's things: refused, or nothing of hers.
 * Requests the document allows for that credential are not sent (they would change the fixture).
 * `services`: the documents to walk (all three unless given).
 */
export function trustRequests(f: Fixture, services = Object.keys(DOCUMENTS) as ServiceKey[]): TrustRequest[] {
  const out: TrustRequest[] = [];
  for (const service of services) {
    for (const op of DOCUMENTS[service]) {
      const canonical = canonicalPath(op, f);
      for (const credential of Object.keys(CREDENTIAL_SCHEME) as CredentialName[]) {
        const base = { service, op, method: op.method.toUpperCase(), credential };
        for (const s of otherSpellings(canonical)) out.push({ ...base, spelling: s.name, path: s.path, expect: 'route_not_found' });
        const scheme = CREDENTIAL_SCHEME[credential];
        const accepted = op.securitySchemes.length === 0 || (scheme !== undefined && op.securitySchemes.includes(scheme));
        const expect = !accepted ? 'refused' : credential === 'bob' ? 'nothing_of_alice' : undefined;
        if (!expect) continue;
        const same = [{ spelling: 'as documented', path: canonical }, { spelling: 'with a query string', path: `${canonical}?limit=1` }];
        for (const s of same) out.push({ ...base, ...s, expect });
        if (base.method === 'GET') out.push({ ...base, method: 'HEAD', spelling: 'HEAD for GET', path: canonical, expect });
      }
    }
  }
  return out;
}

/** Every GET operation × every credential its `security` accepts: HEAD must answer as GET does. */
export function headRequests(f: Fixture): Array<{ service: ServiceKey; op: Operation; path: string; credential: CredentialName }> {
  return (Object.keys(DOCUMENTS) as ServiceKey[]).flatMap((service) => DOCUMENTS[service]
    .filter((op) => op.method.toUpperCase() === 'GET')
    .flatMap((op) => (Object.keys(CREDENTIAL_SCHEME) as CredentialName[])
      .filter((c) => op.securitySchemes.length === 0 || op.securitySchemes.includes(CREDENTIAL_SCHEME[c] ?? ''))
      .map((credential) => ({ service, op, path: canonicalPath(op, f), credential }))));
}

export interface TrustAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What is wrong with an answer, or undefined. */
export function trustViolation(r: TrustRequest, a: TrustAnswer, f: Fixture): string | undefined {
  if (r.expect === 'route_not_found') {
    return a.status === 404 && (r.method === 'HEAD' || a.body.includes('route_not_found')) ? undefined : `expected 404 route_not_found, got ${a.status}`;
  }
  if (a.status < 400 && r.expect === 'refused') return `answered ${a.status} to a credential the document does not accept`;
  if (a.status < 400 && (a.body.includes(f.aliceOrderId) || a.body.includes(`"${f.alice}"`))) return `showed Alice's data to Bob (${a.status})`;
  return undefined;
}

/** Sends one request of the table over a raw socket (no client-side normalisation of the path). */
export async function sendTrustRequest(baseUrl: string, r: TrustRequest, headers: Record<string, string>, f: Fixture): Promise<TrustAnswer> {
  const body = bodyFor(r.op, f);
  const extra: Record<string, string> = r.op.operationId === 'placeOrder' ? { 'idempotency-key': randomUUID() } : {};
  const answer = await send(baseUrl, {
    method: r.method,
    path: r.path,
    headers: { ...headers, ...extra, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: answer.status, headers: answer.headers, body: answer.text };
}

export interface MethodRequest {
  service: ServiceKey;
  method: string;
  path: string;
  /** The methods the path has: what `Allow` must list. */
  allow: string[];
}

/** Each path of a document asked with every common method it does not have: `405` with `Allow`. */
export function wrongMethodRequests(service: ServiceKey): MethodRequest[] {
  const byPath = new Map<string, string[]>();
  for (const op of DOCUMENTS[service]) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op.method.toUpperCase()]);
  return [...byPath].flatMap(([template, methods]) => {
    const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].sort();
    return ['GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'OPTIONS']
      .filter((m) => !methods.includes(m))
      .map((method) => ({ service, method, path: template.replace(/\{[^}]+\}/g, 'X-1'), allow }));
  });
}

/** What is wrong with the answer to a wrong method, or undefined. */
export function methodViolation(r: MethodRequest, a: Answer): string | undefined {
  const got = (a.headers.allow ?? '').split(',').map((m) => m.trim()).filter(Boolean).sort();
  return a.status === 405 && got.join() === r.allow.join() ? undefined : `${a.status} Allow: ${a.headers.allow}`;
}

/** The problem+json `code` of an answer (undefined when it has none): which refusal it was. */
export function problemCode(a: TrustAnswer): string | undefined {
  try {
    return (JSON.parse(a.body) as { code?: string }).code;
  } catch {
    return undefined;
  }
}
