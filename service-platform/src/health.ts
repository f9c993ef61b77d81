import { Router } from 'express';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency is usable; rejects (or times out) when not. */
  check: () => Promise<unknown>;
}

export interface Health {
  router: Router;
  /** Turned off first thing on shutdown so that load balancers stop sending traffic. */
  setAcceptingTraffic(value: boolean): void;
}

const CHECK_TIMEOUT_MS = 1_000;

const withTimeout = (p: Promise<unknown>) =>
  Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref())]);

/** `/livez` never looks at dependencies (a restart would not fix them); `/readyz` does. */
export function createHealth(checks: ReadinessCheck[], registry: Registry): Health {
  let accepting = true;
  const router = Router();
  router.get('/livez', (_req, res) => {
    res.json({ status: 'alive' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check());
          return [name, 'up'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const ready = accepting && results.every(([, state]) => state === 'up');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : accepting ? 'not_ready' : 'shutting_down',
      checks: Object.fromEntries(results),
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return { router, setAcceptingTraffic: (value) => void (accepting = value) };
}
