// Catalog and Account as seen by Order, faked with nock at the network boundary only. Each route
// answers through a behaviour that a test can replace; every call is recorded.
import nock from 'nock';

export const CATALOG_URL = 'http://catalog.test';
export const ACCOUNT_URL = 'http://account.test';

export interface FakeCall {
  method: string;
  path: string;
  body: any;
  headers: Record<string, string | string[]>;
}

export type Reply = [number, unknown?] | { delayMs: number; reply: [number, unknown?] } | 'network-error';
export type Behaviour = (id: string, body: any) => Reply;

export const PRICES: Record<string, number> = { 'COFFEE-1KG': 2450, 'MUG-CERAMIC': 1200 };
const expiresAt = () => new Date(Date.now() + 120_000).toISOString();

export function happyCatalog(): Record<string, Behaviour> {
  const reservation = (id: string, lines: Array<{ sku: string; quantity: number }>, status = 'held') => {
    const priced = lines.map((l) => ({ ...l, unitPriceCents: PRICES[l.sku] ?? 1000 }));
    return { id, status, lines: priced, totalCents: priced.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0), currency: 'EUR', expiresAt: expiresAt() };
  };
  const reserved = new Map<string, Array<{ sku: string; quantity: number }>>();
  return {
    reserve: (id, body) => {
      reserved.set(id, body.lines);
      return [201, reservation(id, body.lines)];
    },
    confirm: (id) => [200, reservation(id, reserved.get(id) ?? [{ sku: 'COFFEE-1KG', quantity: 1 }], 'confirmed')],
    release: () => [204],
    find: (id) => (reserved.has(id) ? [200, reservation(id, reserved.get(id)!)] : [404, { code: 'unknown_reservation', title: 'Unknown reservation', status: 404, type: 'x' }]),
  };
}

export function happyAccount(): Record<string, Behaviour> {
  const holds = new Map<string, any>();
  const hold = (id: string, body: any, status = 'held') => ({ id, accountId: body.accountId, amountCents: body.amountCents, currency: body.currency, status, expiresAt: expiresAt() });
  return {
    hold: (id, body) => {
      holds.set(id, body);
      return [201, hold(id, body)];
    },
    capture: (id) => [200, hold(id, holds.get(id) ?? { accountId: 'acc-alice', amountCents: 1, currency: 'EUR' }, 'captured')],
    release: () => [204],
    find: (id) => (holds.has(id) ? [200, hold(id, holds.get(id))] : [404, { code: 'unknown_hold', title: 'Unknown hold', status: 404, type: 'x' }]),
  };
}

export const problem = (status: number, code: string, extra: Record<string, unknown> = {}): [number, unknown] =>
  [status, { type: `urn:problem-type:${code}`, title: code, status, code, ...extra }];

/** Installs the fakes; returns the recorded calls and the behaviours to override. */
export function installFakes() {
  const calls: FakeCall[] = [];
  const catalog = happyCatalog();
  const account = happyAccount();
  const route = (scope: nock.Scope, method: 'put' | 'post' | 'get', pattern: RegExp, behaviours: Record<string, Behaviour>, name: string) =>
    scope.intercept(pattern, method.toUpperCase()).reply(function (uri, body, callback) {
      const id = decodeURIComponent(pattern.exec(uri)![1]);
      calls.push({ method: method.toUpperCase(), path: uri, body, headers: this.req.headers });
      const r = behaviours[name](id, body);
      // A dropped connection: the request is destroyed (passing an error to the reply callback can
      // surface as an unhandled socket error in nock's interceptor instead).
      if (r === 'network-error') return this.req.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      const [status, json] = Array.isArray(r) ? r : r.reply;
      const send = () => callback(null, [status, json === undefined ? '' : JSON.stringify(json), { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' }]);
      if (Array.isArray(r)) send();
      else setTimeout(send, r.delayMs);
    }).persist();
  const c = nock(CATALOG_URL);
  route(c, 'put', /^\/reservations\/([^/]+)$/, catalog, 'reserve');
  route(c, 'post', /^\/reservations\/([^/]+)\/confirm$/, catalog, 'confirm');
  route(c, 'post', /^\/reservations\/([^/]+)\/release$/, catalog, 'release');
  route(c, 'get', /^\/reservations\/([^/]+)$/, catalog, 'find');
  const a = nock(ACCOUNT_URL);
  route(a, 'put', /^\/holds\/([^/]+)$/, account, 'hold');
  route(a, 'post', /^\/holds\/([^/]+)\/capture$/, account, 'capture');
  route(a, 'post', /^\/holds\/([^/]+)\/release$/, account, 'release');
  route(a, 'get', /^\/holds\/([^/]+)$/, account, 'find');
  const callsTo = (method: string, pathPattern: RegExp) => calls.filter((c) => c.method === method && pathPattern.test(c.path));
  return { calls, catalog, account, callsTo };
}

export type Fakes = ReturnType<typeof installFakes>;
