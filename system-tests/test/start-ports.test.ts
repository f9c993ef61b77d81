// `npm start` with ORDER_PORT, CATALOG_PORT and ACCOUNT_PORT moved off their defaults: each service
// listens where its variable says, Order calls the other two there (an order placed through it
// succeeds), and one line says all three are ready, with every URL. Real processes: the launcher, its
// embedded PostgreSQL under a fresh DATA_DIR, the three built services. The rules for PORT are checked
// on the launcher's settings directly.
import net from 'node:net';
import { ConfigError, freePort } from 'service-platform';
import { until } from '../../test-support/polling';
import { testPostgresUrl } from '../../test-support/test-database';
import { launchPorts, portNote } from '../../scripts/launch-settings';
import { cleanEnv, dataDir, launcherCommand, printed, start } from './start-processes';

jest.setTimeout(180_000);

// npm start's launcher in one process, built as `npm start` builds it; SIGTERM reaches it, not npm.
const LAUNCHER = launcherCommand();

describe('npm start on ports of your choosing', () => {
  test('when ORDER_PORT, CATALOG_PORT and ACCOUNT_PORT are set, then the services listen there, Order calls them there, and one line says all three are ready', async () => {
    const [order, catalog, account] = [await freePort(), await freePort(), await freePort()];
    const launcher = start(process.execPath, [...LAUNCHER],
      cleanEnv({ ORDER_PORT: String(order), CATALOG_PORT: String(catalog), ACCOUNT_PORT: String(account), DATA_DIR: dataDir() }));
    try {
      const output = await printed(launcher, /^All three are ready: .*\n/m);
      // Order reaches the Catalog and the Account on their moved ports: the order is confirmed and
      // the stock it took is gone from this Catalog (not from one that happens to listen on 3001).
      const stock = async () => ((await (await fetch(`http://127.0.0.1:${catalog}/items/COFFEE-1KG`)).json()) as { stock: number }).stock;
      const before = await stock();
      const placed = await fetch(`http://127.0.0.1:${order}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ accountId: 'acc-alice', lines: [{ sku: 'COFFEE-1KG', quantity: 1 }] }),
      });
      expect({ status: placed.status, body: await placed.json() }).toMatchObject({ status: 201, body: { status: 'confirmed' } });
      expect(await stock()).toBe(before - 1);

      const line = output.split('\n').find((l) => l.startsWith('All three are ready'));
      expect(line).toBe(`All three are ready: order http://localhost:${order} (Swagger UI http://localhost:${order}/docs, dashboard http://localhost:${order}/dashboard); `
        + `catalog http://localhost:${catalog} (Swagger UI http://localhost:${catalog}/docs); account http://localhost:${account} (Swagger UI http://localhost:${account}/docs)`);
      expect(output).toContain(`Order calls Catalog at http://localhost:${catalog} and Account at http://localhost:${account}`);
      for (const p of [order, catalog, account]) expect((await fetch(`http://127.0.0.1:${p}/readyz`)).status).toBe(200);
    } finally {
      launcher.child.kill('SIGTERM');
    }
    expect(await launcher.exited).toBe(0);
  });
});

/**
 * A TCP proxy to the test PostgreSQL server that holds every connection to database `held` until
 * `release()`: the service using it cannot migrate, so it cannot be ready, for as long as the test says.
 */
async function postgresHolding(held: string) {
  const target = new URL(testPostgresUrl());
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const holding = new Promise<void>((resolve) => (reached = resolve));
  const server = net.createServer((client) => {
    client.on('error', () => client.destroy());
    client.once('data', (startup) => {
      client.pause();
      const forward = () => {
        const upstream = net.connect(Number(target.port), target.hostname, () => {
          upstream.write(startup);
          client.pipe(upstream).pipe(client);
          client.resume();
        });
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
      };
      // The startup message names the database: "database\0<name>\0".
      if (startup.includes(Buffer.from(`database\0${held}\0`))) {
        reached();
        void released.then(forward);
      } else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((server.address() as net.AddressInfo).port);
  url.pathname = '/postgres';
  return { url: url.toString(), holding, release, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function readyz(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0; // not listening yet
  }
}

describe('the ready line', () => {
  test('when the Catalog cannot become ready, then no ready line comes while Order and Account are ready; once it is, the line comes', async () => {
    const [order, catalog, account] = [await freePort(), await freePort(), await freePort()];
    const postgres = await postgresHolding('catalog');
    const launcher = start(process.execPath, [...LAUNCHER],
      cleanEnv({ ORDER_PORT: String(order), CATALOG_PORT: String(catalog), ACCOUNT_PORT: String(account), DATABASE_URL: postgres.url, DATA_DIR: dataDir() }));
    try {
      await postgres.holding; // the Catalog is at its database, held there
      for (const p of [order, account]) await until(`port ${p} to answer /readyz 200`, async () => (await readyz(p)) === 200, { timeoutMs: 120_000 });
      expect(await readyz(catalog)).not.toBe(200);
      expect(launcher.output()).not.toMatch(/^All three are ready: /m);

      postgres.release();
      const output = await printed(launcher, /^All three are ready: .*\n/m);
      expect(output).toContain(`catalog http://localhost:${catalog} (Swagger UI http://localhost:${catalog}/docs)`);
      expect(await readyz(catalog)).toBe(200);
    } finally {
      postgres.release();
      launcher.child.kill('SIGTERM');
      await launcher.exited;
      await postgres.close();
    }
  });
});

describe('npm run start:auth', () => {
  test('when customer authentication is on, then the ready line still comes only once all three answer /readyz', async () => {
    const [order, catalog, account, issuer] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const launcher = start(process.execPath, [...LAUNCHER, '--auth'],
      cleanEnv({ ORDER_PORT: String(order), CATALOG_PORT: String(catalog), ACCOUNT_PORT: String(account), DEV_ISSUER_PORT: String(issuer), DATA_DIR: dataDir() }));
    try {
      const output = await printed(launcher, /^All three are ready: .*\n/m);
      expect(output).toContain(`customer authentication on: JWKS http://127.0.0.1:${issuer}/`);
      expect(output).toContain(`All three are ready: order http://localhost:${order} `);
      for (const p of [order, catalog, account]) expect((await fetch(`http://127.0.0.1:${p}/readyz`)).status).toBe(200);
    } finally {
      launcher.child.kill('SIGTERM');
    }
    expect(await launcher.exited).toBe(0);
  });
});

describe('which variable moves which service', () => {
  const ports = (env: Record<string, string>) => launchPorts(env).map((s) => `${s.name}:${s.port}:${s.variable}`);

  test('when nothing is set, then 3000, 3001, 3002', () => {
    expect(ports({})).toEqual(['order:3000:ORDER_PORT', 'catalog:3001:CATALOG_PORT', 'account:3002:ACCOUNT_PORT']);
  });

  test('when only PORT is set, then it moves Order (the one clients call), and is named as the variable', () => {
    expect(ports({ PORT: '4000' })).toEqual(['order:4000:PORT', 'catalog:3001:CATALOG_PORT', 'account:3002:ACCOUNT_PORT']);
    expect(portNote({ PORT: '4000' })).toBeUndefined();
  });

  test('when PORT and ORDER_PORT are both set, then ORDER_PORT moves Order and a note says PORT is not used', () => {
    expect(ports({ PORT: '4000', ORDER_PORT: '4100' })[0]).toBe('order:4100:ORDER_PORT');
    expect(portNote({ PORT: '4000', ORDER_PORT: '4100' })).toBe('PORT=4000 is not used: ORDER_PORT=4100 moves Order (CATALOG_PORT and ACCOUNT_PORT move the other two).');
  });

  test('when PORT lands on a default of another service, then the clash is refused in words', () => {
    expect(() => launchPorts({ PORT: '3001' })).toThrow(ConfigError);
    expect(() => launchPorts({ PORT: '3001' })).toThrow(/PORT and CATALOG_PORT: must differ, each service listens on its own port \(both are 3001\)/);
  });

  test('when auth mode puts a service on the identity provider\'s port, then the clash is refused in words; a DEV_ISSUER_PORT that is not a port too', () => {
    expect(() => launchPorts({ ORDER_PORT: '3009' }, { auth: true })).toThrow(/ORDER_PORT and DEV_ISSUER_PORT: must differ/);
    expect(() => launchPorts({ ORDER_PORT: '3009' })).not.toThrow(); // without auth nothing listens there
    expect(() => launchPorts({ DEV_ISSUER_PORT: 'x' })).toThrow(/DEV_ISSUER_PORT: must be a whole number from 1 to 65535 \(it is "x", not a number\); for example DEV_ISSUER_PORT=3009/);
  });
});
