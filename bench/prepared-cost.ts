// What an order's own statements (claim INSERT, pending→committing, committing→confirmed) cost
// Order's process and its PostgreSQL backend, sent unnamed (parsed and planned on every call) or as
// named prepared statements (parsed once per connection). One connection, so the backend is one
// process whose CPU /proc tells; alternated blocks, so the machine's other load falls on both alike.
// Run: npx tsx bench/prepared-cost.ts [rounds] [orders per block]
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { applyMigrations, createLogger, createSqlPool, ensureDatabase, serviceDb } from 'service-platform';
import { PrismaClient } from '../order-service/src/generated/prisma/client';
import { orderRepository } from '../order-service/src/data/order-repository';
import { REQUEST } from '../order-service/src/domain/order';
import { acquirePostgres } from './postgres';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const TICK_MS = 10; // USER_HZ 100
const procCpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
};

async function main(rounds = Number(process.argv[2] ?? 8), n = Number(process.argv[3] ?? 500)): Promise<void> {
  const server = await acquirePostgres();
  const url = server.url.replace(/\/postgres(\?|$)/, '/prepared_cost$1');
  await ensureDatabase(url);
  await applyMigrations(url, path.resolve(__dirname, '../order-service/prisma/migrations'), createLogger('bench', 'silent'));
  const pool = createSqlPool(url, { max: 1 });
  const db = serviceDb(pool, new PrismaClient({ adapter: new PrismaPg(pool) }));
  try {
    const backend = Number((await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    const repos = { unnamed: orderRepository({ ...db, sql: pool }), named: orderRepository(db) };
    const priced = { lines: [{ sku: 'A', quantity: 1, unitPriceCents: 100 }], totalCents: 100, currency: 'EUR' };
    const block = async (repo: ReturnType<typeof orderRepository>) => {
      const [node, pg] = [process.cpuUsage(), procCpuMs(backend)];
      for (let i = 0; i < n; i++) {
        const claim = await repo.claim(randomUUID(), 'h'.repeat(64), 'acc-1', [{ sku: 'A', quantity: 1 }], { keySeconds: 60, graceSeconds: 10, budgetMs: 3000 });
        const id = claim!.order.id;
        await repo.move(id, 'pending', 'committing', { priced, nextAttemptInSeconds: 10 }, REQUEST);
        await repo.move(id, 'committing', 'confirmed', {}, REQUEST);
      }
      const used = process.cpuUsage(node);
      return { node: (used.user + used.system) / 1000 / n, postgres: (procCpuMs(backend) - pg) / n };
    };
    await block(repos.unnamed);
    await block(repos.named);
    const samples = { unnamed: [] as Array<{ node: number; postgres: number }>, named: [] as Array<{ node: number; postgres: number }> };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? (['unnamed', 'named'] as const) : (['named', 'unnamed'] as const);
      for (const k of order) samples[k].push(await block(repos[k]));
    }
    for (const k of ['unnamed', 'named'] as const) {
      process.stdout.write(`${k}: per order (3 statements), median of ${rounds} blocks of ${n}: node ${median(samples[k].map((s) => s.node)).toFixed(3)} ms, postgres backend ${median(samples[k].map((s) => s.postgres)).toFixed(3)} ms\n`);
    }
  } finally {
    await db.$disconnect();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
