// Catalog and Account as seen by Order, faked with nock at the network boundary only. Each fake
// keeps its commitments' states and refuses what the real service refuses (confirming an id never
// reserved, reserving an id already released, releasing what was confirmed, ...), so a test can
// check stock and credit against the order's final state. Each route answers through a behaviour
// that a test can replace (or hold at a barrier); every call is recorded.
import nock from 'nock';

export const CATALOG_URL = 'http://catalog.test';
export const ACCOUNT_URL = 'http://account.test';

export interface FakeCall {
  method: string;
  path: string;
  body: any;
  headers: Record<string, string | string[]>;
}

export type Reply = [number, unknown?] | { delayMs: number; reply: [number, unknown?] };
export type Behaviour = (id: string, body: any) => Reply | Promise<Reply>;

export const PRICES: Record<string, number> = { 'COFFEE-1KG': 2450, 'MUG-CERAMIC': 1200 };
const expiresAt = () => new Date(Date.now() + 120_000).toISOString();

export const problem = (status: number, code: string, extra: Record<string, unknown> = {}): [number, unknown] =>
  [status, { type: `urn:problem-type:${code}`, title: code, status, code, ...extra }];

/**
 * A commitment's life in the real services: made once per id, then confirmed or released, never
 * both. 'expired' is one that lapsed by time (a test makes it so with `lapse`): confirming it
 * re-authorizes it while the resource allows (`reauthorizable`, which a test turns off to say the
 * stock or credit was taken meanwhile), else it is refused with `refusal` and stays expired.
 * 'closed' is a tombstone: an id released before it was made.
 */
type CommitmentState = 'held' | 'confirmed' | 'expired' | 'released' | 'closed';
interface Commitment { state: CommitmentState; body: string; value: any }

function commitments(names: { made: string; confirmed: string; refusal: [number, unknown] }) {
  const byId = new Map<string, Commitment>();
  const resource = { reauthorizable: true };
  return {
    byId,
    resource,
    stateOf: (id: string): CommitmentState | undefined => byId.get(id)?.state,
    lapse: (id: string) => {
      const c = byId.get(id);
      if (c?.state !== 'held') throw new Error(`fake: ${names.made} ${id} is ${c?.state}, not held: it cannot lapse`);
      c.state = 'expired';
    },
    make(id: string, body: unknown, value: any): Reply {
      const existing = byId.get(id);
      if (existing?.state === 'closed') return problem(409, `${names.made}_released`);
      if (existing) return existing.body === JSON.stringify(body) ? [200, { ...existing.value, status: existing.state }] : problem(409, `${names.made}_mismatch`);
      byId.set(id, { state: 'held', body: JSON.stringify(body), value });
      return [201, { ...value, status: 'held' }];
    },
    confirm(id: string): Reply {
      const c = byId.get(id);
      if (!c) return problem(404, `unknown_${names.made}`);
      if (c.state === 'closed' || c.state === 'released') return problem(409, `${names.made}_expired`, { [`${names.made}Status`]: 'released' });
      if (c.state === 'expired' && !resource.reauthorizable) return names.refusal;
      c.state = 'confirmed';
      return [200, { ...c.value, status: names.confirmed }];
    },
    release(id: string): Reply {
      const c = byId.get(id);
      if (!c) byId.set(id, { state: 'closed', body: '', value: null }); // a later request with this id is refused
      else if (c.state === 'confirmed') return problem(409, `${names.made}_${names.confirmed}`);
      else if (c.state === 'held' || c.state === 'expired') c.state = 'released'; // an expired one is closed: never re-authorized
      return [204];
    },
    find(id: string): Reply {
      const c = byId.get(id);
      if (!c || c.state === 'closed') return problem(404, `unknown_${names.made}`);
      return [200, { ...c.value, status: c.state === 'confirmed' ? names.confirmed : c.state }];
    },
  };
}

export function happyCatalog() {
  const reservations = commitments({
    made: 'reservation', confirmed: 'confirmed',
    refusal: problem(409, 'out_of_stock', { shortages: [{ sku: 'COFFEE-1KG', requested: 1, available: 0 }] }),
  });
  const { byId } = reservations;
  const behaviours: Record<'reserve' | 'confirm' | 'release' | 'find', Behaviour> = {
    reserve: (id, body) => {
      const lines = body.lines.map((l: { sku: string; quantity: number }) => ({ ...l, unitPriceCents: PRICES[l.sku] ?? 1000 }));
      const totalCents = lines.reduce((s: number, l: { quantity: number; unitPriceCents: number }) => s + l.quantity * l.unitPriceCents, 0);
      return reservations.make(id, body, { id, lines, totalCents, currency: 'EUR', expiresAt: expiresAt() });
    },
    confirm: (id) => reservations.confirm(id),
    release: (id) => reservations.release(id),
    find: (id) => reservations.find(id),
  };
  return Object.assign(behaviours, {
    stateOf: reservations.stateOf, lapse: reservations.lapse, stock: reservations.resource,
    /** the stored commitment, for a test to look at or change */ byId: (id: string) => byId.get(id),
  });
}

export function happyAccount() {
  const holds = commitments({
    made: 'hold', confirmed: 'captured',
    refusal: problem(409, 'insufficient_credit', { requestedCents: 1, availableCreditCents: 0 }),
  });
  const behaviours: Record<'hold' | 'capture' | 'release' | 'find', Behaviour> = {
    hold: (id, body) => holds.make(id, body, { id, accountId: body.accountId, amountCents: body.amountCents, currency: body.currency, expiresAt: expiresAt() }),
    capture: (id) => holds.confirm(id),
    release: (id) => holds.release(id),
    find: (id) => holds.find(id),
  };
  return Object.assign(behaviours, {
    stateOf: holds.stateOf, lapse: holds.lapse, credit: holds.resource, byId: (id: string) => holds.byId.get(id),
  });
}

/** A promise the test resolves: `wait` holds an actor, `open` lets it go; `reached` says it got there. */
export function barrier() {
  let open!: () => void;
  let arrived!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const reached = new Promise<void>((r) => (arrived = r));
  return {
    open,
    reached,
    wait: () => {
      arrived();
      return gate;
    },
  };
}

/** Installs the fakes; returns the recorded calls and the behaviours to override. */
export function installFakes() {
  const calls: FakeCall[] = [];
  const catalog = happyCatalog();
  const account = happyAccount();
  const route = <N extends string>(scope: nock.Scope, method: 'put' | 'post' | 'get', pattern: RegExp, behaviours: Record<N, Behaviour>, name: N) =>
    scope.intercept(pattern, method.toUpperCase()).reply(function (uri, body, callback) {
      const id = decodeURIComponent(pattern.exec(uri)![1]);
      calls.push({ method: method.toUpperCase(), path: uri, body, headers: this.req.headers });
      const answer = (r: Reply) => {
        // A dropped connection: the request is destroyed (passing an error to the reply callback can
        // surface as an unhandled socket error in nock's interceptor instead).
        const [status, json] = Array.isArray(r) ? r : r.reply;
        const send = () => callback(null, [status, json === undefined ? '' : JSON.stringify(json), { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' }]);
        if (Array.isArray(r)) send();
        else setTimeout(send, r.delayMs);
      };
      const r = behaviours[name](id, body);
      // Answered at once unless the behaviour holds the call (a barrier).
      if (r instanceof Promise) void r.then(answer);
      else answer(r);
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
