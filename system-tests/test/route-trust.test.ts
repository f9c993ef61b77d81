// Authorization decided by the route that runs, whatever the spelling: every operation of the three
// documents × every spelling of its path × every kind of credential (test-support/route-trust.ts),
// against the three services as real processes with every credential configured. Then, through the
// API, nothing of the fixture changed, and each path's unexpected methods are 405 with `Allow`.
import { randomUUID } from 'node:crypto';
import { send } from '../../test-support/openapi-properties';
import { json, setUpShop } from '../../test-support/order-workload';
import {
  credentialHeaders, DOCUMENTS, type Fixture, type ServiceKey, sendTrustRequest, trustRequests, trustViolation,
} from '../../test-support/route-trust';
import { startSystem, type System } from '../../test-support/system-harness';
import { testPostgresUrl } from '../../test-support/test-database';

jest.setTimeout(180_000);

export async function trustFixture(system: System): Promise<Fixture> {
  const f = { sku: 'TRUST-1', alice: 'acc-alice', bob: 'acc-bob', aliceOrderId: '', unusedId: randomUUID() };
  await setUpShop(system.catalog.url, system.account.url, {
    items: [{ sku: f.sku, stock: 10, priceCents: 1000 }],
    accounts: [{ id: f.alice, creditLimitCents: 100_000 }, { id: f.bob, creditLimitCents: 100_000 }],
  }, system.auth);
  const placed = await fetch(`${system.order.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), authorization: `Bearer ${await system.auth.customerToken(f.alice)}` },
    body: JSON.stringify({ accountId: f.alice, lines: [{ sku: f.sku, quantity: 1 }] }),
  });
  expect(placed.status).toBe(201);
  f.aliceOrderId = ((await placed.json()) as { orderId: string }).orderId;
  return f;
}

/** What the table's requests must not have changed, read through the APIs. */
export async function fixtureState(system: System, f: Fixture) {
  const admin = system.auth.adminToken;
  const item = await json(`${system.catalog.url}/items/${f.sku}`);
  const account = await json(`${system.account.url}/accounts/${f.alice}`, admin);
  const orders = await json(`${system.order.url}/orders?accountId=${f.alice}`, admin);
  const reservation = await fetch(`${system.catalog.url}/reservations/${f.unusedId}`, { headers: { authorization: `Bearer ${system.auth.serviceToken}` } });
  const hold = await fetch(`${system.account.url}/holds/${f.unusedId}`, { headers: { authorization: `Bearer ${system.auth.serviceToken}` } });
  return {
    item: { name: item.name, priceCents: item.priceCents, stock: item.stock },
    account: { name: account.name, creditLimitCents: account.creditLimitCents, usedCents: account.usedCents, heldCents: account.heldCents },
    orders: orders.items.map((o: { orderId: string }) => o.orderId),
    reservation: reservation.status,
    hold: hold.status,
  };
}

describe('Every operation × every spelling × every credential', () => {
  let system: System;
  let f: Fixture;
  beforeAll(async () => {
    system = await startSystem(testPostgresUrl());
    f = await trustFixture(system);
  });
  afterAll(() => system?.stop());

  test('when a request is spelled otherwise or carries a credential its operation does not accept, then it is refused and nothing changes', async () => {
    const before = await fixtureState(system, f);
    expect(before).toMatchObject({ item: { stock: 9 }, orders: [f.aliceOrderId], reservation: 404, hold: 404 });
    const headers = await credentialHeaders(system, f);
    const urls: Record<ServiceKey, string> = { catalog: system.catalog.url, account: system.account.url, order: system.order.url };
    const requests = trustRequests(f);
    const wrong: string[] = [];
    for (const r of requests) {
      const answer = await sendTrustRequest(urls[r.service], r, headers[r.credential], f);
      const why = trustViolation(r, answer, f);
      if (why) wrong.push(`${r.service} ${r.op.operationId}: ${r.method} ${r.path} (${r.spelling}) as ${r.credential}: ${why}`);
    }
    expect(wrong).toEqual([]);
    expect(await fixtureState(system, f)).toEqual(before);
    // The table is what it says: every operation, every credential, twelve other spellings.
    const operations = Object.values(DOCUMENTS).flat().length;
    expect(new Set(requests.map((r) => `${r.service} ${r.op.operationId}`)).size).toBe(operations);
    expect(requests.filter((r) => r.expect === 'route_not_found').length).toBe(operations * 6 * 12);
  });

  test('when a path is asked with a method it does not have, then it is 405 with Allow listing the methods it has', async () => {
    const urls: Record<ServiceKey, string> = { catalog: system.catalog.url, account: system.account.url, order: system.order.url };
    const wrong: string[] = [];
    for (const service of Object.keys(DOCUMENTS) as ServiceKey[]) {
      const byPath = new Map<string, string[]>();
      for (const op of DOCUMENTS[service]) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op.method]);
      for (const [template, methods] of byPath) {
        const p = template.replace(/\{[^}]+\}/g, 'X-1');
        const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].sort();
        for (const method of ['GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'OPTIONS'].filter((m) => !methods.includes(m))) {
          const a = await send(urls[service], { method, path: p, headers: {} });
          const got = (a.headers.allow ?? '').split(',').map((m) => m.trim()).filter(Boolean).sort();
          if (a.status !== 405 || got.join() !== allow.join()) wrong.push(`${service} ${method} ${p}: ${a.status} Allow: ${a.headers.allow}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
