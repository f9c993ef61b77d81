// A port already in use, for a service started alone and for `npm start`: the message names the
// port, the variable that moves it and the process holding it (this test's own pid), the process
// exits 78 (EX_CONFIG), and it says so before any migration ran. Real processes; the port is held
// by a net.Server in this test process.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { freePort } from 'service-platform';
import { serviceCommand, servicesBuilt } from '../../scripts/build-services';
import { cleanEnv, dataDir, emptyDatabase, migrationsRan, occupiedPort, RAW, ROOT, run } from './start-processes';

jest.setTimeout(120_000);

describe('a port already in use', () => {
  test('when the Catalog alone is given a PORT that is held, then it names the port, PORT and the holder, exits 78, and no migration ran', async () => {
    await servicesBuilt();
    const held = await occupiedPort();
    const databaseUrl = await emptyDatabase('port_clash');
    try {
      const { code, output } = await run(process.execPath, serviceCommand('catalog'),
        cleanEnv({ PORT: String(held.port), DATABASE_URL: databaseUrl }), path.join(ROOT, 'catalog-service'));
      expect(code).toBe(78);
      expect(output).toContain(`port ${held.port} (PORT=${held.port}) is already in use`);
      expect(output).toContain(`held by pid ${process.pid} (`);
      expect(output).toMatch(/set PORT to another port \(for example PORT=\d+\)/);
      expect(output).not.toMatch(RAW);
      expect(await migrationsRan(databaseUrl)).toBe(false);
    } finally {
      await held.release();
    }
  });

  test('when npm start is given a CATALOG_PORT that is held, then it names the port, CATALOG_PORT and the holder, exits 78, and started nothing', async () => {
    const held = await occupiedPort();
    const data = dataDir();
    try {
      const { code, output } = await run('npm', ['start'], cleanEnv({ CATALOG_PORT: String(held.port), ORDER_PORT: String(await freePort()), ACCOUNT_PORT: String(await freePort()), DATA_DIR: data }));
      expect(code).toBe(78);
      expect(output).toContain('nothing was started');
      expect(output).toContain(`catalog-service cannot start: port ${held.port} (CATALOG_PORT=${held.port}) is already in use`);
      expect(output).toContain(`held by pid ${process.pid} (`);
      expect(output).toMatch(/set CATALOG_PORT to another port/);
      expect(output).not.toMatch(RAW);
      expect(output).not.toMatch(/npm error/);
      // No embedded PostgreSQL was started under DATA_DIR, so no migration can have run.
      expect(existsSync(path.join(data, 'postgres'))).toBe(false);
    } finally {
      await held.release();
    }
  });
});
