import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { requestContext, requestLog } from '../src';
import { listen, request, type RunningApp } from '../../test-support/loopback-http';

/** An app with the platform's context and request log, logging to memory at `level`. */
async function appLoggingAt(level: string): Promise<{ server: RunningApp; lines: Array<Record<string, any>> }> {
  const lines: Array<Record<string, any>> = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const logger = pino({ level }, sink);
  const app = express();
  app.use(requestContext);
  app.use(requestLog(logger));
  app.get('/livez', (_req, res) => void res.json({ status: 'alive' }));
  app.get('/things/:id', (_req, res) => void res.json({ ok: true }));
  app.get('/broken', (_req, res) => void res.status(500).json({ code: 'internal_error' }));
  return { server: await listen(app), lines };
}

describe('requestLog', () => {
  let server: RunningApp | undefined;
  afterEach(async () => server?.close());

  test('when requests are answered, then each has one line with its id, method, url, status and time; a 5xx is an error; probes have none', async () => {
    const app = await appLoggingAt('info');
    server = app.server;
    await request(server.baseUrl, 'GET', '/things/1?x=2', { headers: { 'x-request-id': 'req-1' } });
    await request(server.baseUrl, 'GET', '/broken', { headers: { 'x-request-id': 'req-2' } });
    await request(server.baseUrl, 'GET', '/livez');
    await new Promise((r) => setImmediate(r));
    expect(app.lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', req: expect.objectContaining({ id: 'req-1', method: 'GET', url: '/things/1?x=2' }), res: { statusCode: 200 }, responseTime: expect.any(Number) }),
      expect.objectContaining({ level: 50, msg: 'request errored', req: expect.objectContaining({ id: 'req-2', url: '/broken' }), res: { statusCode: 500 } }),
    ]);
  });

  test('when the level is error, then answered requests write nothing and a 5xx still does', async () => {
    const app = await appLoggingAt('error');
    server = app.server;
    await request(server.baseUrl, 'GET', '/things/1');
    await request(server.baseUrl, 'GET', '/broken');
    await new Promise((r) => setImmediate(r));
    expect(app.lines.map((l) => l.msg)).toEqual(['request errored']);
  });
});
