// Builds each service to <service>/dist/main.js (+ .map): its own TypeScript and service-platform's
// in one CommonJS file, every npm package left as a plain require(). Packages stay outside the
// bundle so that OpenTelemetry's instrumentations, which patch modules as they are required, still
// see express, pg and http load (after instrument.ts, which comes first in the bundle as in main.ts).
// Usage: tsx scripts/build-services.ts [catalog|account|order ...]   (none given: all three)
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');
export const SERVICE_NAMES = ['catalog', 'account', 'order'] as const;
export type BuiltService = (typeof SERVICE_NAMES)[number];

/** The workspace package is TypeScript source (its main is src/index.ts): it goes in the bundle. */
const packagesStayExternal: Plugin = {
  name: 'packages-stay-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (/^service-platform(\/|$)/.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

/** The entry file of a built service. */
export const builtMain = (name: BuiltService): string => path.join(ROOT, `${name}-service`, 'dist', 'main.js');

/**
 * node's flags for a built service, wherever it runs: `npm start`, the tests and the benchmark (through
 * `serviceCommand`), each service's `npm start` and its image's ENTRYPOINT (repo-checks holds those to it).
 * The heap caps keep a service's RSS under load below 200 MB (about 255 MB without them, at the same
 * throughput within the noise): V8 otherwise sizes the heap to the machine and collects lazily. A
 * young generation of 8 MB semi-spaces (16 by default) cost no throughput measurably; 4 MB and less did.
 * The live heap is about 35 MB, so 128 MB of old space leaves ample room.
 */
export const NODE_FLAGS: readonly string[] = ['--enable-source-maps', '--max-old-space-size=128', '--max-semi-space-size=8'];

/** node's arguments that run a built service; `args` are the service's own. */
export const serviceCommand = (name: BuiltService, ...args: string[]): string[] => [...NODE_FLAGS, builtMain(name), ...args];

/**
 * Each service's `service-dir.ts` pinned to that service's folder: for a bundle that holds several
 * services (the benchmark's in-process system), where one output folder cannot be one level below
 * all three.
 */
const serviceDirsPinned: Plugin = {
  name: 'service-dirs-pinned',
  setup(b) {
    b.onLoad({ filter: /[\\/](catalog|account|order)-service[\\/]src[\\/]service-dir\.ts$/ }, (args) => ({
      contents: `export const SERVICE_DIR = ${JSON.stringify(path.resolve(path.dirname(args.path), '..'))};`,
      loader: 'ts',
    }));
  },
};

/** Bundles `entry` (TypeScript) to `outfile` as the services are built; `severalServices` pins their folders. */
export async function bundle(entry: string, outfile: string, severalServices = false): Promise<void> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    sourcemap: true,
    // The map turns a stack trace's positions into the sources' files and lines; it leaves their
    // text out, so that an image carries no TypeScript (system-tests/test/runtime-image.test.ts).
    sourcesContent: false,
    plugins: severalServices ? [serviceDirsPinned, packagesStayExternal] : [packagesStayExternal],
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(path.dirname(outfile), { recursive: true });
  // Written aside, then renamed: a process starting from dist/ never reads a half-written file,
  // even when two test workers build at the same time.
  for (const file of result.outputFiles) {
    const aside = `${file.path}.${process.pid}.tmp`;
    writeFileSync(aside, file.contents);
    renameSync(aside, file.path);
  }
}

const buildOne = (name: BuiltService) => bundle(path.join(ROOT, `${name}-service`, 'src', 'main.ts'), builtMain(name));

/** Builds the given services (all three by default); well under a second each. */
export async function buildServices(names: readonly BuiltService[] = SERVICE_NAMES): Promise<void> {
  await Promise.all(names.map(buildOne));
}

let built: Promise<void> | undefined;
/**
 * All three built from the sources as they are now, once per process: what starts services for a
 * test or the benchmark awaits this first, so it never runs a stale dist/.
 */
export const servicesBuilt = (): Promise<void> => (built ??= buildServices());

if (require.main === module) {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    console.error(`unknown service(s): ${unknown.join(', ')} (known: ${SERVICE_NAMES.join(', ')})`);
    process.exit(64);
  }
  buildServices(names.length > 0 ? (names as BuiltService[]) : SERVICE_NAMES).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
