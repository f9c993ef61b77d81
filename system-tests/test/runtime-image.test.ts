// What a service's image carries, without a Docker engine: the final stage's file set is made from its
// Dockerfile's own lines in a scratch folder (each COPY as written; the production-packages stage's
// RUN, `npm ci … --omit=dev --omit=optional`, run as written on its COPYs; the build stage's output is
// the repository's after the same `npm run build`). In it: no TypeScript source, no dev tool, no
// TypeScript text in the source maps; and the service starts from it alone, as the image's ENTRYPOINT
// runs it with the image's ENV (production), against the test PostgreSQL: /readyz 200, Swagger UI.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from 'service-platform';
import { NODE_FLAGS, servicesBuilt } from '../../scripts/build-services';
import { dockerStages, imageEnvironment, type Instruction } from '../../test-support/dockerfile';
import { until } from '../../test-support/polling';
import { cleanEnv, emptyDatabase, ROOT, start } from './start-processes';

jest.setTimeout(300_000);

const SERVICES = ['catalog', 'account', 'order'] as const;
const APP = '/app';

/** Copies `src` (a folder: its contents, as COPY does) to `dest` (inside a folder when it ends in /). */
function copy(src: string, dest: string): void {
  if (!existsSync(src)) throw new Error(`COPY source missing: ${src}`);
  const target = !lstatSync(src).isDirectory() && dest.endsWith('/') ? path.join(dest, path.basename(src)) : dest;
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(src, target, { recursive: true, verbatimSymlinks: true });
}

/** A stage's COPYs and RUNs, played in `dir` (its /app); `--from=` reads the folder `stages` holds for it. */
async function play(instructions: Instruction[], dir: string, stages: Map<string, string>): Promise<void> {
  for (const { keyword, args } of instructions) {
    if (keyword === 'WORKDIR' && !args.startsWith(APP)) throw new Error(`WORKDIR outside ${APP}: ${args}`);
    if (keyword === 'COPY') {
      const words = args.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const [dest, ...sources] = words.filter((w) => !w.startsWith('--')).reverse();
      for (const src of sources.reverse()) {
        const base = from === undefined ? ROOT : stages.get(from)!;
        copy(path.join(base, from === undefined ? src : path.relative(APP, src)), path.join(dir, dest!) + (dest!.endsWith('/') ? '/' : ''));
      }
    }
    if (keyword === 'RUN') await promisify(execFile)('sh', ['-c', args], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  }
}

/** The final stage's /app, made from `name`'s Dockerfile in a scratch folder. */
async function runtimeFileSet(name: (typeof SERVICES)[number]): Promise<string> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), `image-${name}-`));
  const all = dockerStages(path.join(ROOT, `${name}-service/Dockerfile`));
  // The build stage compiles what `npm run build` compiles here: its output is the repository's.
  const stages = new Map<string, string>([['build', ROOT]]);
  for (const stage of all.slice(0, -1).filter((s) => s.name !== 'build')) {
    const dir = path.join(scratch, stage.name);
    mkdirSync(dir);
    await play(stage.instructions, dir, stages);
    stages.set(stage.name, dir);
  }
  const final = path.join(scratch, 'final');
  mkdirSync(final);
  await play(all.at(-1)!.instructions, final, stages);
  return final;
}

/** Every file under `dir`, relative to it (symbolic links not followed). */
function files(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(under, e.name);
    return e.isDirectory() ? files(dir, rel) : [rel];
  });
}

const manifest = (file: string): { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } => JSON.parse(readFileSync(file, 'utf8'));

/** The devDependencies (of the root, service-platform and the service) that are in the tree although no installed package depends on them. */
function devToolsPresent(app: string, name: string): string[] {
  const manifests = ['package.json', 'service-platform/package.json', `${name}-service/package.json`].map((m) => manifest(path.join(ROOT, m)));
  const installed = files(path.join(app, 'node_modules')).filter((f) => /(^|\/)package\.json$/.test(f)).map((f) => path.join(app, 'node_modules', f));
  const needed = new Set([...manifests.slice(1), ...installed.map(manifest)].flatMap((m) => Object.keys(m.dependencies ?? {})));
  const dev = new Set(manifests.flatMap((m) => Object.keys(m.devDependencies ?? {})));
  return [...dev].filter((d) => existsSync(path.join(app, 'node_modules', d, 'package.json')) && !needed.has(d));
}

describe.each(SERVICES)('the %s-service image', (name) => {
  let app: string;
  beforeAll(async () => {
    await servicesBuilt();
    app = await runtimeFileSet(name);
  });
  afterAll(() => rmSync(path.dirname(app), { recursive: true, force: true }));

  test('when its file set is made from the Dockerfile, then it holds no TypeScript source: every .ts outside node_modules is absent, and the source maps carry no sources', () => {
    const all = files(app);
    expect(all.filter((f) => !f.startsWith('node_modules/') && /\.[cm]?ts$/.test(f))).toEqual([]);
    expect(all).toContain(`${name}-service/dist/main.js`);
    const maps = all.filter((f) => f.endsWith('.map') && !f.startsWith('node_modules/'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) expect(JSON.parse(readFileSync(path.join(app, map), 'utf8')).sourcesContent).toBeUndefined();
  });

  test('when its file set is made from the Dockerfile, then no dev tool is in it: no devDependency that no production package depends on, no TypeScript compiler or runner', () => {
    expect(devToolsPresent(app, name)).toEqual([]);
    for (const tool of ['typescript', 'tsx', 'esbuild', 'prisma', 'jest', 'eslint', '@swc/core', 'ts-node']) expect([tool, existsSync(path.join(app, 'node_modules', tool))]).toEqual([tool, false]);
  });

  test('when the service starts from that file set alone, as the ENTRYPOINT runs it with the image\'s ENV, then it migrates and answers /readyz 200 and its Swagger UI', async () => {
    const port = await freePort();
    const env = cleanEnv({
      ...imageEnvironment(path.join(ROOT, `${name}-service/Dockerfile`)),
      PORT: String(port), DATABASE_URL: await emptyDatabase(`image_${name}`),
      ADMIN_TOKEN: 'a'.repeat(24), SERVICE_TOKEN: 's'.repeat(24),
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json', AUTH_ISSUER: 'https://issuer.example', AUTH_AUDIENCE: 'order-placement',
    });
    const service = start(process.execPath, [...NODE_FLAGS, 'dist/main.js'], env, path.join(app, `${name}-service`));
    try {
      const status = async (p: string) => (await fetch(`http://127.0.0.1:${port}${p}`).catch(() => undefined))?.status;
      await until(`${name}-service from its image's files to answer /readyz 200`, async () => (await status('/readyz')) === 200 || service.child.exitCode !== null, { timeoutMs: 120_000 });
      expect([await status('/readyz'), (service.output().match(/migration applied/g)?.length ?? 0) > 0]).toEqual([200, true]);
      expect(await status('/docs/')).toBe(200);
      if (name === 'order') expect(await status('/dashboard')).toBe(200);
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await service.exited).toBe(0);
  });
});
