// A service started on its own writes readable lines when its stdout is a terminal (as under
// `npm start -w catalog-service` in a shell), and pino JSON otherwise or with LOG_FORMAT=json.
// The terminal is a real pseudo-terminal: util-linux `script` runs the built Catalog inside one.
import path from 'node:path';
import { serviceCommand, servicesBuilt } from '../../scripts/build-services';
import { cleanEnv, emptyDatabase, printed, ROOT, start } from './start-processes';

jest.setTimeout(120_000);

/** The built Catalog in a pseudo-terminal; what `script` copies from it is what a person would see. */
async function catalogInTerminal(extra: Record<string, string>) {
  await servicesBuilt();
  const command = ['exec', process.execPath, ...serviceCommand('catalog')].join(' ');
  const env = cleanEnv({ PORT: '0', DATABASE_URL: await emptyDatabase('readable_logs'), ...extra });
  return start('script', ['-qfec', command, '/dev/null'], env, path.join(ROOT, 'catalog-service'));
}

describe('a service alone, in a terminal', () => {
  test('when its stdout is a terminal, then each log line is readable: time, level, message', async () => {
    const catalog = await catalogInTerminal({});
    try {
      const output = await printed(catalog, /catalog-service listening on http:\/\/localhost:\d+/);
      const listening = output.split(/\r?\n/).find((l) => l.includes('catalog-service listening on'))!;
      // eslint-disable-next-line no-control-regex
      expect(listening.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: catalog-service listening on http:\/\/localhost:\d+ \(Swagger UI: /);
      expect(output).not.toMatch(/^\{"level"/m);
    } finally {
      catalog.child.kill('SIGTERM');
      await catalog.exited;
    }
  });

  test('when LOG_FORMAT=json, then the terminal gets pino JSON as before', async () => {
    const catalog = await catalogInTerminal({ LOG_FORMAT: 'json' });
    try {
      const output = await printed(catalog, /catalog-service listening on/);
      expect(output).toMatch(/^\{"level":30,.*"msg":"catalog-service listening on http:\/\/localhost:\d+/m);
    } finally {
      catalog.child.kill('SIGTERM');
      await catalog.exited;
    }
  });
});
