// The entities the trust table is asked about (test-support/route-trust-table.ts), made through the APIs,
// and what its requests must leave unchanged, read back through them. Shared by the test against the
// services directly and the one through the shipped nginx proxy.
import { randomUUID } from 'node:crypto';
import { json, setUpShop } from './order-workload';
import type { Fixture } from './route-trust-table';
import type { System } from './system-harness';

/** Alice with one placed order, Bob with none, an item, and an id nobody has used. */
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
  if (placed.status !== 201) throw new Error(`Alice's order was not placed: ${placed.status} ${await placed.text()}`);
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
