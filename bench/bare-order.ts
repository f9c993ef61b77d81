// A bare-bones POST /orders, run as its own process by the benchmark: the same flow as Order
// (reserve → hold → confirm → capture against the same Catalog and Account), over plain axios
// with keep-alive, and the order written to its own database (INSERT pending, UPDATE confirmed).
// Left out on purpose, for the comparison: OpenAPI validation, pino-http, metrics, request
// context, idempotent replays, markPriced/markCommitting, breaker, retries, bulkhead, deadline,
// compensation. Any error is a 500.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import axios from 'axios';
import express from 'express';
import { Pool } from 'pg';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

// The services run with credentials in the benchmark: the bare flow sends the service token too.
const client = (baseURL: string) => axios.create({
  baseURL, httpAgent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  headers: process.env.SERVICE_TOKEN ? { authorization: `Bearer ${process.env.SERVICE_TOKEN}` } : {},
});
const catalog = client(env('CATALOG_URL'));
const account = client(env('ACCOUNT_URL'));
const pool = new Pool({ connectionString: env('DATABASE_URL'), max: Number(process.env.DB_POOL_SIZE ?? 20) });

interface Body {
  accountId: string;
  lines: Array<{ sku: string; quantity: number }>;
}

async function main(): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS bare_orders (
    id uuid PRIMARY KEY, idempotency_key text UNIQUE NOT NULL, account_id text NOT NULL, status text NOT NULL,
    total_cents int, created_at timestamptz NOT NULL DEFAULT now())`);
  const app = express();
  app.get('/livez', (_req, res) => void res.json({ status: 'ok' }));
  app.post('/orders', express.json(), async (req, res) => {
    try {
      const { accountId, lines } = req.body as Body;
      const id = randomUUID();
      await pool.query('INSERT INTO bare_orders (id, idempotency_key, account_id, status) VALUES ($1, $2, $3, $4)',
        [id, String(req.headers['idempotency-key']), accountId, 'pending']);
      const reservation = (await catalog.put(`/reservations/${id}`, { lines, ttlSeconds: 60 })).data as { totalCents: number; currency: string };
      await account.put(`/holds/${id}`, { accountId, amountCents: reservation.totalCents, currency: reservation.currency, ttlSeconds: 120 });
      await catalog.post(`/reservations/${id}/confirm`);
      await account.post(`/holds/${id}/capture`);
      await pool.query('UPDATE bare_orders SET status = $2, total_cents = $3 WHERE id = $1', [id, 'confirmed', reservation.totalCents]);
      res.status(201).json({ id, status: 'confirmed', totalCents: reservation.totalCents });
    } catch (err) {
      res.status(500).json({ error: String(err) });
    }
  });
  const server = app.listen(Number(env('PORT')), '127.0.0.1');
  process.once('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
