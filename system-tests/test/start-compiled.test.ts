// `npm start` runs compiled JavaScript, as the services do: the launcher is built by
// scripts/build-launcher.js and run by plain node, and no process it starts (npm, its shell, the
// launcher, the services, PostgreSQL) runs a TypeScript runner or a .ts file. Read from /proc: each
// process's command line, and the NODE_OPTIONS it was given (where a loader such as tsx would hide).
import { readdirSync, readFileSync } from 'node:fs';
import { freePort } from 'service-platform';
import { cleanEnv, dataDir, printed, start } from './start-processes';

jest.setTimeout(180_000);

interface Proc { pid: number; ppid: number; args: string[]; nodeOptions: string }

/** `root` and every process below it, from /proc (a process that ends while it is read is left out). */
function processTree(root: number): Proc[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after its last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const tree: Proc[] = [];
  const walk = (pid: number, ppid: number) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const nodeOptions = environ.find((e) => e.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length) ?? '';
      tree.push({ pid, ppid, args, nodeOptions });
    } catch {
      return;
    }
    for (const [child, parent] of parents) if (parent === pid) walk(child, pid);
  };
  walk(root, process.pid);
  return tree;
}

const isService = (p: Proc) => /-service[/\\]dist[/\\]main\.js$/.test(p.args.at(-1) ?? '');

const TYPESCRIPT = /(^|[/\\])tsx([/\\]|$)|\bts-node\b|\.[cm]?ts$|--experimental-strip-types|--experimental-transform-types/;

describe('npm start runs compiled JavaScript', () => {
  test('when the system is up, then the launcher and everything it started run .js with plain node: no tsx, no .ts file, no TypeScript loader', async () => {
    const [order, catalog, account] = [await freePort(), await freePort(), await freePort()];
    const npm = start('npm', ['start'], cleanEnv({ ORDER_PORT: String(order), CATALOG_PORT: String(catalog), ACCOUNT_PORT: String(account), DATA_DIR: dataDir() }));
    let tree: Proc[] = [];
    try {
      await printed(npm, /^All three are ready: .*\n/m);
      tree = processTree(npm.child.pid!);
    } finally {
      // The launcher (the services' parent) stops them and PostgreSQL, then npm ends; npm itself would
      // leave them running.
      process.kill(tree.find(isService)?.ppid ?? npm.child.pid!, 'SIGTERM');
    }
    expect(await npm.exited).toBe(0);

    const typescript = tree.filter((p) => p.args.some((a) => TYPESCRIPT.test(a)) || TYPESCRIPT.test(p.nodeOptions) || /\btsx\b/.test(p.nodeOptions));
    expect(typescript.map((p) => p.args.join(' '))).toEqual([]);
    // Not vacuous: the tree read is the launcher and the three built services under it.
    const node = (p: Proc) => /(^|\/)node$/.test(p.args[0]!);
    expect(tree.filter((p) => node(p) && p.args.at(-1)!.endsWith('dist/start-all.js')).map((p) => p.args.slice(1))).toEqual([['--enable-source-maps', 'dist/start-all.js']]);
    expect(tree.filter((p) => node(p) && isService(p))).toHaveLength(3);
    expect(tree.some((p) => /postgres/.test(p.args[0]!))).toBe(true);
  });
});
