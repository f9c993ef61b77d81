import express from 'express';
import { createHealth } from '../src/health';
import { createLogger } from '../src/logger';
import { createHttpMetrics } from '../src/metrics';
import { gracefulShutdown } from '../src/shutdown';

describe('gracefulShutdown', () => {
  test('when shutdown starts during a request, then readiness turns off, new connections are refused, the request finishes and resources close after it', async () => {
    const events: string[] = [];
    const health = createHealth([], createHttpMetrics('test').registry);
    const app = express();
    app.use(health.router);
    app.get('/slow', (_req, res) => {
      setTimeout(() => {
        events.push('slow answered');
        res.json({ ok: true });
      }, 300);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const shutdown = gracefulShutdown({
      server, health, logger: createLogger('test', 'silent'), timeoutMs: 5_000,
      resources: [async () => void events.push('db closed')],
    });

    const inFlight = fetch(`${base}/slow`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 50));
    const readyBefore = await fetch(`${base}/readyz`, { headers: { connection: 'close' } });
    expect(readyBefore.status).toBe(200);
    const done = shutdown('SIGTERM');

    expect(await inFlight).toEqual({ ok: true });
    await done;
    expect(events).toEqual(['slow answered', 'db closed']);
    await expect(fetch(`${base}/livez`)).rejects.toThrow();
  });

  test('when shutdown starts, then /readyz answers 503 shutting_down while requests drain', async () => {
    const health = createHealth([], createHttpMetrics('test').registry);
    const app = express();
    app.use(health.router);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    health.setAcceptingTraffic(false);
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'shutting_down' });
    server.close();
  });
});
