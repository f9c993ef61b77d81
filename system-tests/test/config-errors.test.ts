// Configuration errors in words: every variable of every service, given a value of each kind it can
// get wrong (not a number, not whole, below / above its range, not one of the options, not a URL,
// too short), is named in a sentence that says what it must be, and the example it offers is itself
// accepted. Then real processes: a service alone, `<service> migrate` through npm, and `npm start`
// exit 78 with those sentences and no stack.
import path from 'node:path';
import { ConfigError, describeConfigIssues, loadConfig } from 'service-platform';
import { z } from 'zod';
import { accountConfigSchema } from '../../account-service/src/config/account-config';
import { catalogConfigSchema } from '../../catalog-service/src/config/catalog-config';
import { orderConfigSchema } from '../../order-service/src/config/order-config';
import { serviceCommand, servicesBuilt } from '../../scripts/build-services';
import { cleanEnv, dataDir, RAW, ROOT, run } from './start-processes';

jest.setTimeout(120_000);

const SCHEMAS = { catalog: catalogConfigSchema, account: accountConfigSchema, order: orderConfigSchema } as const;

/** The variable's own check, under default / optional / a flag's transform. */
function inner(s: z.ZodType): z.ZodType {
  const def = s.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if (def.type === 'default' || def.type === 'optional') return inner(def.innerType!);
  return def.type === 'pipe' ? inner(def.in!) : s;
}

/** Values of each kind this variable can get wrong. */
function badValues(s: z.ZodType): Array<[kind: string, value: string]> {
  if (s instanceof z.ZodNumber) {
    const bad: Array<[string, string]> = [['not a number', 'abc']];
    if (s.isInt) bad.push(['not whole', '1.5']);
    if (s.minValue !== null && s.minValue > -Number.MAX_SAFE_INTEGER) bad.push(['below its range', String(s.minValue - 1)]);
    if (s.maxValue !== null && s.maxValue < Number.MAX_SAFE_INTEGER) bad.push(['above its range', String(s.maxValue + 1)]);
    return bad;
  }
  if (s instanceof z.ZodEnum) return [['not one of the options', 'nonsense']];
  if (s instanceof z.ZodURL) return [['not a URL', 'not a url']];
  // Free text (HOST, DATA_DIR, AUTH_ISSUER…): every value that is set is one; empty counts as unset.
  if (s instanceof z.ZodString) return s.safeParse('x').success ? [] : [['not in its form', 'x']];
  throw new Error(`no bad values for ${s.def.type}`);
}

const cases = Object.entries(SCHEMAS).flatMap(([service, schema]) => {
  const shape = ((schema as z.ZodType).def.type === 'pipe' ? ((schema as unknown as z.ZodPipe).def.in as z.ZodObject) : (schema as unknown as z.ZodObject)).shape;
  return Object.entries(shape).flatMap(([name, s]) => badValues(inner(s as z.ZodType)).map(([kind, value]) => ({ service, schema, name, kind, value })));
});

const problemsOf = (schema: z.ZodType, env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(schema as never, { NODE_ENV: 'test', ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('every variable, every kind of wrong value, in words', () => {
  test('the walk reaches every variable that can hold a wrong value (free text such as HOST cannot)', () => {
    expect(new Set(cases.map((c) => `${c.service}.${c.name}`)).size).toBeGreaterThanOrEqual(70);
  });

  test.each(cases.map((c) => [`${c.service} ${c.name} ${c.kind} (${c.value})`, c] as const))('%s', (_title, c) => {
    if (c.name === 'NODE_ENV' && c.kind) return expect(problemsOf(c.schema, { NODE_ENV: c.value }).join('\n')).toMatch(/^NODE_ENV: must be one of development, test, production/);
    const sentence = problemsOf(c.schema, { [c.name]: c.value }).find((p) => p.startsWith(`${c.name}:`));
    expect(sentence).toMatch(new RegExp(`^${c.name}: must `));
    expect(sentence).not.toMatch(RAW);
    expect(sentence).not.toMatch(/Too (big|small)|Invalid (option|URL)/);
    const example = / for example [A-Z_]+=(.+)$/.exec(sentence!)?.[1];
    expect(example).toBeDefined();
    // The example offered is accepted (shell substitutions aside: the token's is run by the shell).
    if (!example!.startsWith('$(')) expect(problemsOf(c.schema, { [c.name]: example! }).filter((p) => p.startsWith(`${c.name}:`))).toEqual([]);
  });

  test('a missing required variable is named as not set, with what it must be and an example', () => {
    const schema = z.object({ DATABASE_URL: (catalogConfigSchema.shape.DATABASE_URL as z.ZodOptional<z.ZodString>).unwrap() });
    const parsed = schema.safeParse({});
    expect(describeConfigIssues(schema, parsed.error!, {})).toEqual([
      'DATABASE_URL: must be a postgres:// URL (it is not set); for example DATABASE_URL=postgresql://user:password@localhost:5432/orders',
    ]);
  });
});

describe('processes that stop on bad configuration', () => {
  beforeAll(() => servicesBuilt());

  test.each([
    ['not a number', 'abc', 'PORT: must be a whole number from 0 to 65535 (it is "abc", not a number); for example PORT=3001'],
    ['out of range', '70000', 'PORT: must be a whole number from 0 to 65535 (it is 70000); for example PORT=3001'],
  ])('when the Catalog alone gets a PORT that is %s, then it exits 78 with the sentence and no stack', async (_kind, port, sentence) => {
    const { code, output } = await run(process.execPath, serviceCommand('catalog'), cleanEnv({ PORT: port }), path.join(ROOT, 'catalog-service'));
    expect(code).toBe(78);
    expect(output).toContain('catalog-service cannot start: a setting is wrong in the environment.');
    expect(output).toContain(sentence);
    expect(output).not.toMatch(RAW);
  });

  test('when `npm start -w order-service -- migrate` runs without DATABASE_URL, then it exits 78 and says DATABASE_URL is not set before npm\'s own lines', async () => {
    const { code, output } = await run('npm', ['start', '-w', 'order-service', '--', 'migrate'], cleanEnv({}));
    expect(code).toBe(78);
    expect(output).toContain('order-service cannot migrate: a setting is wrong in the environment.');
    const sentence = output.indexOf('DATABASE_URL: must be a postgres:// URL (it is not set); for example DATABASE_URL=');
    expect(sentence).toBeGreaterThan(-1);
    // npm adds its "Lifecycle script failed" lines after a failing workspace script; ours come first.
    const npmLines = output.indexOf('npm error');
    if (npmLines > -1) expect(npmLines).toBeGreaterThan(sentence);
    expect(output).not.toMatch(RAW);
  });

  test.each([
    ['not a number', { CATALOG_PORT: 'abc' }, 'CATALOG_PORT: must be a whole number from 1 to 65535 (it is "abc", not a number); for example CATALOG_PORT=3001'],
    ['out of range', { ACCOUNT_PORT: '0' }, 'ACCOUNT_PORT: must be a whole number from 1 to 65535 (it is 0); for example ACCOUNT_PORT=3002'],
    ['two services on one port', { ORDER_PORT: '4555', CATALOG_PORT: '4555' }, 'ORDER_PORT and CATALOG_PORT: must differ, each service listens on its own port (both are 4555)'],
    ['a service\'s variable', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (it is "loud"); for example LOG_LEVEL=info'],
  ])('when npm start gets %s, then it exits 78 with the sentence, no stack, no npm error, and started nothing', async (_kind, env, sentence) => {
    const { code, output } = await run('npm', ['start'], cleanEnv({ ...env, DATA_DIR: dataDir() }));
    expect(code).toBe(78);
    expect(output).toContain('npm start cannot start');
    expect(output).toContain(sentence);
    expect(output).not.toMatch(RAW);
    expect(output).not.toMatch(/npm error|embedded PostgreSQL started/);
  });
});
