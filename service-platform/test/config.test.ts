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

  test('when AUTH_JWKS_MAX_STALE_SECONDS is unset, then the last good JWKS serves a day; a value that is not a positive integer is refused', () => {
    expect(loadConfig(schema, {}).AUTH_JWKS_MAX_STALE_SECONDS).toBe(86_400);
    expect(loadConfig(schema, { AUTH_JWKS_MAX_STALE_SECONDS: '3600' }).AUTH_JWKS_MAX_STALE_SECONDS).toBe(3_600);
    for (const bad of ['0', '-5', '1.5', 'a day']) expect(() => loadConfig(schema, { AUTH_JWKS_MAX_STALE_SECONDS: bad })).toThrow(/AUTH_JWKS_MAX_STALE_SECONDS/);
  });

  test('when a token is too short, then it is refused by name', () => {
    expect(() => loadConfig(schema, { ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN: must be at least 16 characters/);
  });

  test('when NODE_ENV is production without credentials, then start-up is refused naming each', () => {
    expect(() => loadConfig(schema, { NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN: required[\s\S]*SERVICE_TOKEN: required/);
    const ok = loadConfig(schema, { NODE_ENV: 'production', ADMIN_TOKEN: 'a'.repeat(16), SERVICE_TOKEN: 'b'.repeat(16) });
    expect(ok.ADMIN_TOKEN).toBe('a'.repeat(16));
  });

  const PRODUCTION = { NODE_ENV: 'production', ADMIN_TOKEN: 'a'.repeat(16), SERVICE_TOKEN: 'b'.repeat(16) };
  const AUTH = { AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json', AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'orders' };

  test('when a service that verifies customer tokens starts in production without the AUTH_* settings, then it is refused naming each', () => {
    expect(() => loadConfig(schema, PRODUCTION, { customerAuth: true }))
      .toThrow(/AUTH_JWKS_URL: required when NODE_ENV=production[\s\S]*AUTH_ISSUER: required[\s\S]*AUTH_AUDIENCE: required/);
    expect(loadConfig(schema, { ...PRODUCTION, ...AUTH }, { customerAuth: true }).AUTH_AUDIENCE).toBe('orders');
    expect(() => loadConfig(schema, PRODUCTION)).not.toThrow(); // the Catalog verifies none
  });

  test('when only some AUTH_* settings are given, then start-up is refused naming the missing ones', () => {
    expect(() => loadConfig(schema, { AUTH_JWKS_URL: AUTH.AUTH_JWKS_URL }, { customerAuth: true })).toThrow(/AUTH_ISSUER: required with AUTH_JWKS_URL/);
  });

  test('when production is given an http JWKS URL off loopback, or one token for admin and service, then it is refused naming each', () => {
    const auth = { AUTH_ISSUER: 'https://id.example', AUTH_AUDIENCE: 'orders' };
    expect(() => loadConfig(schema, { ...PRODUCTION, ...auth, AUTH_JWKS_URL: 'http://id.example/jwks.json' }, { customerAuth: true })).toThrow(/AUTH_JWKS_URL: must be https/);
    for (const ok of ['https://id.example/jwks.json', 'http://127.0.0.1:3009/jwks.json', 'http://localhost/jwks.json']) {
      expect(() => loadConfig(schema, { ...PRODUCTION, ...auth, AUTH_JWKS_URL: ok }, { customerAuth: true })).not.toThrow();
    }
    expect(() => loadConfig(schema, { ...PRODUCTION, SERVICE_TOKEN: PRODUCTION.ADMIN_TOKEN })).toThrow(/ADMIN_TOKEN: must differ from SERVICE_TOKEN/);
  });

  test('when production is asked to seed demo data, then it is refused; unset, production seeds nothing and development seeds', () => {
    expect(() => loadConfig(schema, { ...PRODUCTION, SEED_DEMO_DATA: 'true' })).toThrow(/SEED_DEMO_DATA: demo data is never seeded in production/);
    expect(loadConfig(schema, PRODUCTION).SEED_DEMO_DATA).toBe(false);
    expect(loadConfig(schema, {}).SEED_DEMO_DATA).toBe(true);
  });

  test('when a variable is set but empty, then it counts as unset', () => {
    const config = loadConfig(schema, { PORT: '', ADMIN_TOKEN: '' });
    expect(config.PORT).toBe(3001);
    expect(config.ADMIN_TOKEN).toBeUndefined();
  });
});
