// Authorization decided by the route that runs, whatever the spelling: every operation of the three
// documents × every spelling of its path × every kind of credential (test-support/route-trust-table.ts),
// against the three services as real processes with every credential configured. Then, through the
// API, nothing of the fixture changed, and each path's unexpected methods are 405 with `Allow`.
// order-proxy-trust.test.ts walks Order's part of the same table through the shipped nginx proxy.
import { send } from '../../test-support/openapi-properties';
import {
  credentialHeaders, DOCUMENTS, type Fixture, headRequests, methodViolation, type ServiceKey, sendTrustRequest, trustRequests, trustViolation, wrongMethodRequests,
} from '../../test-support/route-trust-table';
import { fixtureState, trustFixture } from '../../test-support/route-trust-fixture';
import { startSystem, type System } from '../../test-support/system-harness';
import { testPostgresUrl } from '../../test-support/test-database';

jest.setTimeout(180_000);

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

  test('when a GET operation is asked with HEAD by a credential it accepts, then it answers as GET does, without a body', async () => {
    const headers = await credentialHeaders(system, f);
    const urls: Record<ServiceKey, string> = { catalog: system.catalog.url, account: system.account.url, order: system.order.url };
    const requests = headRequests(f);
    const wrong: string[] = [];
    for (const r of requests) {
      const get = await send(urls[r.service], { method: 'GET', path: r.path, headers: headers[r.credential] });
      const head = await send(urls[r.service], { method: 'HEAD', path: r.path, headers: headers[r.credential] });
      if (head.status !== get.status || head.text !== '') wrong.push(`${r.service} ${r.op.operationId} as ${r.credential}: GET ${get.status}, HEAD ${head.status} (${head.text.length} bytes)`);
    }
    expect(wrong).toEqual([]);
    // Some of them succeed: the table is not only refusals.
    expect(requests.length).toBeGreaterThan(20);
  });

  test('when a path is asked with a method it does not have, then it is 405 with Allow listing the methods it has', async () => {
    const urls: Record<ServiceKey, string> = { catalog: system.catalog.url, account: system.account.url, order: system.order.url };
    const wrong: string[] = [];
    for (const service of Object.keys(DOCUMENTS) as ServiceKey[]) {
      for (const r of wrongMethodRequests(service)) {
        const why = methodViolation(r, await send(urls[service], { method: r.method, path: r.path, headers: {} }));
        if (why) wrong.push(`${service} ${r.method} ${r.path}: ${why}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
