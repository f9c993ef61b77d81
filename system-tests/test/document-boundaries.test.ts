// The three documents against the three real services (real HTTP, real PostgreSQL): for every
// parameter and body field with a boundary (maximum, minimum, maxLength, minLength, maxItems,
// minItems, enum, pattern, const, `not: {const}`), a value at the boundary and one just past it,
// derived from the documents (test-support/document-boundaries.ts), so a new field is walked
// without a change here. Each request is the operation's own example with that one value changed.
//
// - A value the document allows is accepted, or refused only for a documented reason that depends
//   on the state (out_of_stock, unknown_item, precondition_failed...): never `400 validation_failed`,
//   and the answer is one the document lists for the operation (checkAnswer).
// - A value the document refuses is `400 validation_failed` whose `errors` name the field.
// See docs/api-contract.md.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type AccountUnderTest, startAccount } from '../../account-service/test/account-harness';
import { type CatalogUnderTest, startCatalog } from '../../catalog-service/test/catalog-harness';
import { type OrderUnderTest, startOrder } from '../../order-service/test/order-harness';
import { type BoundaryCase, boundaryCases, parameterExample, withValueAt } from '../../test-support/document-boundaries';
import { type Answer, checkAnswer, GeneratedRequest, isValid, loadOperations, type Operation } from '../../test-support/openapi-properties';

const TOKENS = { ADMIN_TOKEN: 'boundaries-admin-token-01', SERVICE_TOKEN: 'boundaries-service-token-1' };
const BEARER: Record<string, string> = { adminToken: TOKENS.ADMIN_TOKEN, serviceToken: TOKENS.SERVICE_TOKEN };
const SERVICES = ['catalog', 'account', 'order'] as const;
type Service = (typeof SERVICES)[number];
const OPERATIONS = Object.fromEntries(SERVICES.map((s) => [s, loadOperations(path.resolve(__dirname, `../../openapi/${s}.yaml`))])) as Record<Service, Operation[]>;
/** Body fields that are keys the caller chooses per request (an example's key, reused, would only replay). */
const FRESH_BODY_KEYS = ['adjustmentId'];

let counter = 0;
/** A value no other request used: the example with a suffix, when the schema takes it. */
function fresh(schema: Record<string, unknown>, example: unknown): unknown {
  const candidate = `${typeof example === 'string' ? example : 'b'}-${process.pid % 1000}-${++counter}`;
  if (isValid(schema, candidate)) return candidate;
  return schema.format === 'uuid' ? randomUUID() : example;
}

interface Built {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** The operation's example request, with the case's value in its place. */
function build(op: Operation, c?: BoundaryCase): Built {
  const headers: Record<string, string> = {};
  const scheme = op.securitySchemes.find((s) => BEARER[s]);
  if (scheme) headers.authorization = `Bearer ${BEARER[scheme]}`;
  const query = new URLSearchParams();
  let url = op.path;
  for (const p of op.parameters) {
    const walked = c && c.where === (p.in === 'header' ? 'header' : p.in) && c.at === p.name;
    const example = parameterExample(p) ?? (p.schema.format === 'uuid' ? randomUUID() : undefined);
    // A create-or-replace (PUT) gets a new entity per request; Idempotency-Key a new key.
    const value = walked ? c.value : (op.method === 'PUT' && p.in === 'path') || p.name === 'Idempotency-Key' ? fresh(p.schema, example) : example;
    if (value === undefined || (!walked && !p.required && p.in !== 'path')) continue;
    if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(value)));
    else if (p.in === 'query') query.set(p.name, String(value));
    else if (p.in === 'header') headers[p.name.toLowerCase()] = String(value);
  }
  let body: unknown;
  if (op.body) {
    body = op.body.example ?? {};
    for (const key of FRESH_BODY_KEYS) {
      const schema = op.body.schema.properties?.[key];
      if (schema && (body as Record<string, unknown>)[key] !== undefined) body = withValueAt(body, [key], fresh(schema, (body as Record<string, unknown>)[key]));
    }
    if (c?.where === 'body') body = withValueAt(body, c.at as Array<string | number>, c.value);
    headers['content-type'] = 'application/json';
  }
  const qs = query.toString();
  return { method: op.method, path: qs ? `${url}?${qs}` : url, headers, body: body === undefined ? undefined : JSON.stringify(body) };
}

async function send(baseUrl: string, req: Built): Promise<Answer> {
  const res = await fetch(`${baseUrl}${req.path}`, { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: checkAnswer says so where JSON was due
  }
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), text, json };
}

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 60)}… (${s.length} characters)` : s;
};

/** What is wrong with the answer to one case, per the document ([] when it agrees). */
function disagreements(op: Operation, c: BoundaryCase, req: Built, answer: Answer): string[] {
  const generated = new GeneratedRequest(op.operationId, 'valid', `${c.field} ${c.rule}`, req.method, req.path, req.headers, req.body, !c.allowed, false);
  const wrong = checkAnswer(op, generated, answer);
  const problem = answer.json as { code?: string; errors?: Array<{ field: string; message: string }> } | undefined;
  const named = (problem?.errors ?? []).filter((e) => e.field.toLowerCase() === c.field.toLowerCase() || e.field.toLowerCase().startsWith(`${c.field.toLowerCase()}.`) || e.field.toLowerCase().startsWith(`${c.field.toLowerCase()}[`));
  if (c.allowed && answer.status === 400 && problem?.code === 'validation_failed') {
    wrong.push(`the document allows it, the service refuses it: ${(problem.errors ?? []).map((e) => `${e.field} ${e.message}`).join('; ')}`);
  }
  if (!c.allowed && (answer.status !== 400 || problem?.code !== 'validation_failed' || named.length === 0)) {
    wrong.push(`the document refuses it: expected 400 validation_failed naming ${c.field}, got ${answer.status} ${answer.text.slice(0, 300)}`);
  }
  return wrong.map((w) => `${op.method} ${op.path} ${c.field} = ${short(c.value)} (${c.rule}, ${c.allowed ? 'allowed' : 'refused'}): ${w}`);
}

describe('Each boundary the documents state is where the services draw it', () => {
  let catalog: CatalogUnderTest;
  let account: AccountUnderTest;
  let order: OrderUnderTest;
  const baseUrl = (s: Service) => ({ catalog, account, order })[s].baseUrl;

  beforeAll(async () => {
    [catalog, account] = await Promise.all([startCatalog(TOKENS), startAccount(TOKENS)]);
    order = await startOrder({ ...TOKENS, CATALOG_URL: catalog.baseUrl, ACCOUNT_URL: account.baseUrl });
    // The entities the documents' examples name, with room for every accepted request to succeed.
    const admin = { authorization: `Bearer ${TOKENS.ADMIN_TOKEN}` };
    for (const sku of ['COFFEE-1KG', 'MUG-CERAMIC']) {
      expect((await catalog.call('PUT', `/items/${sku}`, { name: sku, priceCents: 100, currency: 'EUR', stock: 10_000_000 }, admin)).status).toBe(201);
    }
    expect((await account.call('PUT', '/accounts/acc-alice', { name: 'Alice', currency: 'EUR', creditLimitCents: 2_147_483_647 }, admin)).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await order?.close();
    await Promise.all([catalog?.close(), account?.close()]);
  });

  const all = SERVICES.flatMap((service) => OPERATIONS[service].map((op) => ({ service, op, ...boundaryCases(op) })));

  test('every boundary of the three documents has a value at it and one past it', () => {
    expect(all.flatMap((o) => o.missing)).toEqual([]);
    // The walk reaches the fields the issue found disagreeing (a guard against a walk that silently shrinks).
    const rules = all.flatMap((o) => o.cases.map((c) => `${o.op.operationId} ${c.field} ${c.rule}`));
    expect(rules).toEqual(expect.arrayContaining(['reserveStock body.ttlSeconds maximum 3600', 'placeHold body.ttlSeconds maximum 3600', 'adjustStock body.delta not 0', 'putItem body.currency enum "ZWL"']));
  });

  test.each(all.filter((o) => o.cases.length > 0).map((o) => [`${o.service} ${o.op.operationId} (${o.cases.length} cases)`, o] as const))(
    '%s: a value at each boundary is taken, one past it is a 400 naming the field',
    async (_name, { service, op, cases }) => {
      const wrong: string[] = [];
      for (const c of cases) {
        const req = build(op, c);
        wrong.push(...disagreements(op, c, req, await send(baseUrl(service), req)));
      }
      expect(wrong).toEqual([]);
    },
    120_000,
  );

  test.each(SERVICES.flatMap((service) => OPERATIONS[service].map((op) => [`${service} ${op.operationId}`, service, op] as const)))(
    '%s: a query parameter without a name is refused as one with an unknown name is',
    async (_name, service, op) => {
      const req = build(op);
      const join = req.path.includes('?') ? '&' : '?';
      const unknown = await send(baseUrl(service), { ...req, path: `${req.path}${join}zz=1`, headers: { ...req.headers, 'idempotency-key': randomUUID() } });
      const nameless = await send(baseUrl(service), { ...req, path: `${req.path}${join}=1`, headers: { ...req.headers, 'idempotency-key': randomUUID() } });
      expect(unknown).toMatchObject({ status: 400, json: { code: 'validation_failed' } });
      expect({ status: nameless.status, code: (nameless.json as { code?: string })?.code }).toEqual({ status: 400, code: 'validation_failed' });
    },
  );
});
