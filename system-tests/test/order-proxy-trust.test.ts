// The shipped order-proxy keeps the route-trust guarantees: Order's part of the trust table
// (test-support/route-trust-table.ts: every operation × every spelling × every credential, and the
// unexpected methods) sent through Debian's nginx running the committed deploy/order-proxy/nginx.conf
// (test-support/nginx-order-proxy.ts), in front of real Order, Catalog and Account processes. Each answer
// must meet the table's expectation and be the answer Order gives the same request directly: nginx
// must hand every spelling on as sent, so none reaches another operation than it would without it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Answer, send } from '../../test-support/openapi-properties';
import { ORDER_PROXY_CONFIG, type OrderProxy, serverBlockFor, startOrderProxy } from '../../test-support/nginx-order-proxy';
import {
  credentialHeaders, DOCUMENTS, type Fixture, methodViolation, problemCode, sendTrustRequest, trustRequests, trustViolation, wrongMethodRequests,
} from '../../test-support/route-trust-table';
import { fixtureState, trustFixture } from '../../test-support/route-trust-fixture';
import { startSystem, type System } from '../../test-support/system-harness';
import { testPostgresUrl } from '../../test-support/test-database';

jest.setTimeout(180_000);

const committed = () => readFileSync(path.resolve(__dirname, '../..', ORDER_PROXY_CONFIG), 'utf8');
const fromNginx = (a: Pick<Answer, 'headers'>) => /^nginx\b/.test(a.headers.server ?? '');

describe('Order through the shipped nginx proxy × every spelling × every credential', () => {
  let system: System;
  let proxy: OrderProxy;
  let f: Fixture;
  beforeAll(async () => {
    system = await startSystem(testPostgresUrl());
    f = await trustFixture(system);
    proxy = await startOrderProxy(system.order.url);
  });
  afterAll(async () => {
    await proxy?.stop();
    await system?.stop();
  });

  test('when Order\'s table is sent through the proxy, then each answer is refused as the table says, is the one Order gives directly, and nothing changes', async () => {
    const before = await fixtureState(system, f);
    const headers = await credentialHeaders(system, f);
    const requests = trustRequests(f, ['order']);
    const wrong: string[] = [];
    for (const r of requests) {
      const direct = await sendTrustRequest(system.order.url, r, headers[r.credential], f);
      const proxied = await sendTrustRequest(proxy.url, r, headers[r.credential], f);
      const why = trustViolation(r, proxied, f)
        ?? (fromNginx(proxied) ? undefined : `answered without passing nginx (Server: ${proxied.headers.server})`)
        ?? (proxied.status !== direct.status || problemCode(proxied) !== problemCode(direct)
          ? `${proxied.status} ${problemCode(proxied)} through nginx, ${direct.status} ${problemCode(direct)} directly` : undefined);
      if (why) wrong.push(`${r.op.operationId}: ${r.method} ${r.path} (${r.spelling}) as ${r.credential}: ${why}`);
    }
    expect(wrong).toEqual([]);
    expect(await fixtureState(system, f)).toEqual(before);
    const operations = DOCUMENTS.order.length;
    expect(new Set(requests.map((r) => r.op.operationId)).size).toBe(operations);
    expect(requests.filter((r) => r.expect === 'route_not_found').length).toBe(operations * 6 * 12);
  });

  test('when a path is asked through the proxy with a method it does not have, then it is Order\'s 405 with Allow', async () => {
    const wrong: string[] = [];
    for (const r of wrongMethodRequests('order')) {
      const a = await send(proxy.url, { method: r.method, path: r.path, headers: {} });
      const why = methodViolation(r, a) ?? (fromNginx(a) ? undefined : `answered without passing nginx (Server: ${a.headers.server})`);
      if (why) wrong.push(`${r.method} ${r.path}: ${why}`);
    }
    expect(wrong).toEqual([]);
  });

  test('the proxy runs the committed server block, with only its listen line and upstream substituted', async () => {
    const withoutSubstituted = (text: string) => text.split('\n').filter((l) => !/^\s*(listen|set \$order_upstream)\s/.test(l));
    expect(withoutSubstituted(proxy.serverBlock)).toEqual(withoutSubstituted(committed()));
    expect(proxy.serverBlock).toContain(`set $order_upstream ${system.order.url};`);
    expect(fromNginx(await send(proxy.url, { method: 'GET', path: '/livez', headers: {} }))).toBe(true);
    // A committed file of another shape is refused, not run half-substituted.
    expect(() => serverBlockFor(committed().replace('http://order:3000', 'http://order:3001'), { port: 1 }, system.order.url)).toThrow(/order_upstream/);
    expect(() => serverBlockFor(committed().replace('listen 3000;', 'listen 3000;\n    listen 3000;'), { port: 1 }, system.order.url)).toThrow(/found 2/);
  });
});
