import { z } from 'zod';
import { baseConfigSchema, ConfigError, loadConfig } from '../src/config';

const schema = baseConfigSchema.extend({ PORT: z.coerce.number().int().min(0).max(65535).default(3001) });

describe('loadConfig', () => {
  test('when the environment is empty, then defaults apply', () => {
    const config = loadConfig(schema, {});
    expect(config).toMatchObject({ PORT: 3001, NODE_ENV: 'development', MIGRATE_ON_START: true, BODY_LIMIT: '100kb' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  test('when a value is wrong, then start-up stops with a message naming the variable', () => {
    expect(() => loadConfig(schema, { PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig(schema, { PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig(schema, { DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(() => loadConfig(schema, { MIGRATE_ON_START: 'maybe' })).toThrow(/MIGRATE_ON_START/);
  });

  test('when a token is too short, then it is refused by name', () => {
    expect(() => loadConfig(schema, { ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN: must be at least 16 characters/);
  });

  test('when NODE_ENV is production without credentials, then start-up is refused naming each', () => {
    expect(() => loadConfig(schema, { NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN: required[\s\S]*SERVICE_TOKEN: required/);
    const ok = loadConfig(schema, { NODE_ENV: 'production', ADMIN_TOKEN: 'a'.repeat(16), SERVICE_TOKEN: 'b'.repeat(16) });
    expect(ok.ADMIN_TOKEN).toBe('a'.repeat(16));
  });

  test('when a variable is set but empty, then it counts as unset', () => {
    const config = loadConfig(schema, { PORT: '', ADMIN_TOKEN: '' });
    expect(config.PORT).toBe(3001);
    expect(config.ADMIN_TOKEN).toBeUndefined();
  });
});
