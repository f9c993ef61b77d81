// Starts the Catalog as a real process with `npm start -w catalog-service` (build, then node), with no
// DATABASE_URL: it must bring up its own embedded PostgreSQL, migrate, seed and serve; SIGTERM
// must then stop it cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from 'service-platform';
import { answers200, until } from '../../test-support/polling';

const ROOT = path.resolve(__dirname, '../..');

describe('Catalog started on its own with no DATABASE_URL', () => {
  let child: ChildProcess | undefined;
  let output = '';
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  test('when started, then it serves the demo items from an embedded PostgreSQL, and SIGTERM stops it with exit code 0', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'catalog-standalone-'));
    chmodSync(dataDir, 0o755); // the embedded server runs as the postgres OS user
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'development' };
    delete env.DATABASE_URL;
    // npm itself, as a developer runs it: it builds, then exec's node, so SIGTERM reaches the service.
    child = spawn('npm', ['start', '--silent', '-w', 'catalog-service'], { cwd: ROOT, env });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const url = `http://127.0.0.1:${port}`;
    await until('the Catalog to become ready', () => {
      if (child!.exitCode !== null) throw new Error(`service exited with ${child!.exitCode}`);
      return answers200(`${url}/readyz`);
    }, { timeoutMs: 40_000, everyMs: 200 });

    const items = (await (await fetch(`${url}/items`)).json()) as { items: Array<{ sku: string }> };
    expect(items.items.map((i) => i.sku)).toContain('COFFEE-1KG');
    expect(output).toContain('using an embedded PostgreSQL');
    expect(output).toContain(`Swagger UI: http://localhost:${port}/docs`);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"stopped"');
  }, 60_000);
});
