import { loadConfig } from 'service-platform';
import { orderConfigSchema } from '../src/config/order-config';

const load = (env: Record<string, string>) => loadConfig(orderConfigSchema, { NODE_ENV: 'test', ...env });

describe('Order configuration', () => {
  test('when nothing is set, then the defaults hold together: grace beyond the budget, a lease that outlives a late renewal', () => {
    const c = load({});
    expect(c.RECOVERY_GRACE_SECONDS).toBeGreaterThanOrEqual(c.ORDER_REQUEST_BUDGET_MS / 1000 + 1);
    expect(c.RECOVERY_LEASE_SECONDS * 1000).toBeGreaterThanOrEqual(2 * c.RECOVERY_LEASE_RENEW_SECONDS * 1000 + c.ORDER_DB_TIMEOUT_MS);
    expect(c.ORDER_DB_TIMEOUT_MS).toBe(250);
  });

  test('when nothing is set, then a stalled replica\'s order is free for another within seconds: the lease and the next pass', () => {
    const c = load({});
    expect(c.RECOVERY_LEASE_SECONDS + c.RECOVERY_INTERVAL_SECONDS).toBeLessThanOrEqual(10);
  });

  test('when the grace period is shorter than the request budget, then start-up is refused naming RECOVERY_GRACE_SECONDS', () => {
    expect(() => load({ ORDER_REQUEST_BUDGET_MS: '5000', RECOVERY_GRACE_SECONDS: '5' })).toThrow(/RECOVERY_GRACE_SECONDS/);
    expect(load({ ORDER_REQUEST_BUDGET_MS: '5000', RECOVERY_GRACE_SECONDS: '6' }).RECOVERY_GRACE_SECONDS).toBe(6);
  });

  test('when the lease would lapse before a late renewal, then start-up is refused naming RECOVERY_LEASE_SECONDS', () => {
    // Shorter than the renewal interval, and the bound itself: 2 × renewal + the database timeout.
    expect(() => load({ RECOVERY_LEASE_SECONDS: '1', RECOVERY_LEASE_RENEW_SECONDS: '2' })).toThrow(/RECOVERY_LEASE_SECONDS/);
    expect(() => load({ RECOVERY_LEASE_SECONDS: '4.2', RECOVERY_LEASE_RENEW_SECONDS: '2', ORDER_DB_TIMEOUT_MS: '250' })).toThrow(/RECOVERY_LEASE_SECONDS/);
    expect(load({ RECOVERY_LEASE_SECONDS: '4.25', RECOVERY_LEASE_RENEW_SECONDS: '2', ORDER_DB_TIMEOUT_MS: '250' }).RECOVERY_LEASE_SECONDS).toBe(4.25);
    expect(() => load({ RECOVERY_LEASE_SECONDS: '0' })).toThrow(/RECOVERY_LEASE_SECONDS/);
  });

  test('when the database timeout would eat the budget, then start-up is refused naming ORDER_DB_TIMEOUT_MS; unset, it follows the budget', () => {
    expect(() => load({ ORDER_REQUEST_BUDGET_MS: '400', ORDER_DB_TIMEOUT_MS: '250' })).toThrow(/ORDER_DB_TIMEOUT_MS/);
    expect(load({ ORDER_REQUEST_BUDGET_MS: '400' }).ORDER_DB_TIMEOUT_MS).toBe(50);
  });

  test('when keys would be kept shorter than an order can stay undecided, then start-up is refused naming IDEMPOTENCY_KEY_TTL_SECONDS', () => {
    // Defaults: budget 5 s + grace 30 s + hold 900 s (HOLD_TTL_SECONDS) is the floor.
    const c = load({});
    const floor = c.ORDER_REQUEST_BUDGET_MS / 1000 + c.RECOVERY_GRACE_SECONDS + c.HOLD_TTL_SECONDS;
    expect(() => load({ IDEMPOTENCY_KEY_TTL_SECONDS: '1' })).toThrow(/IDEMPOTENCY_KEY_TTL_SECONDS/);
    expect(() => load({ IDEMPOTENCY_KEY_TTL_SECONDS: String(Math.ceil(floor) - 1) })).toThrow(/IDEMPOTENCY_KEY_TTL_SECONDS/);
    expect(load({ IDEMPOTENCY_KEY_TTL_SECONDS: String(Math.ceil(floor)) }).IDEMPOTENCY_KEY_TTL_SECONDS).toBe(Math.ceil(floor));
  });

  test('when the saga pause hook is set in production, then start-up is refused', () => {
    expect(() => load({ NODE_ENV: 'production', SAGA_PAUSE_BEFORE_CONFIRM_MS: '10', ADMIN_TOKEN: 'a'.repeat(20), SERVICE_TOKEN: 'b'.repeat(20) }))
      .toThrow(/SAGA_PAUSE_BEFORE_CONFIRM_MS/);
  });
});
