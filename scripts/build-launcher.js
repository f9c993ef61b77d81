// Builds the launcher (`npm start`, `npm run start:auth`) and `npm run token` to dist/start-all.js and
// dist/token.js, the way scripts/build-services.ts builds the services: their TypeScript and
// service-platform's in one CommonJS file each, every npm package left as a plain require(). Plain
// JavaScript, so that nothing but node and esbuild runs before the build: package.json then runs the
// output with plain node, and no TypeScript runner is in the started process tree
// (system-tests/test/start-compiled.test.ts). Well under a second; run on every start, so an edit to
// the scripts needs no separate build step.
// Usage: node scripts/build-launcher.js
const { mkdirSync, renameSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { build } = require('esbuild');

const ROOT = path.resolve(__dirname, '..');

/** The workspace package is TypeScript source (its main is src/index.ts): it goes in the bundle. */
const packagesStayExternal = {
  name: 'packages-stay-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (/^service-platform(\/|$)/.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

async function buildLauncher() {
  const result = await build({
    entryPoints: ['start-all', 'token'].map((name) => path.join(ROOT, 'scripts', `${name}.ts`)),
    // One level below the root, as scripts/ is: the bundled files find the root as `path.resolve(__dirname, '..')`.
    outdir: path.join(ROOT, 'dist'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    sourcemap: true,
    // In one bundle `module` is the bundle's, so a bundled file's own command line
    // (build-services.ts's `require.main === module`) would run too: none of them is the entry here.
    define: { 'require.main': 'undefined' },
    plugins: [packagesStayExternal],
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
  // Written aside, then renamed: a launcher starting never reads a half-written file, even when two
  // `npm start`s (two test workers) build at the same time.
  for (const file of result.outputFiles) {
    const aside = `${file.path}.${process.pid}.tmp`;
    writeFileSync(aside, file.contents);
    renameSync(aside, file.path);
  }
}

buildLauncher().catch(() => process.exit(1)); // esbuild has printed why
