// What one hot-path statement costs the service's own CPU through Prisma's raw query API and through
// the pg pool Prisma's adapter shares (docs/architecture.md, "Database access"): Catalog's
// `SELECT reservation_json($1)` (what GET /reservations/:id sends) on the same pool, in alternated
// blocks so that the machine's other load falls on both alike. PostgreSQL's own CPU is not counted.
// Run: npx tsx bench/raw-query-cost.ts [rounds] [calls per block]
import path from 'node:path';
import { applyMigrations, createLogger, ensureDatabase } from 'service-platform';
import { createCatalogDb } from '../catalog-service/src/data/catalog-db';
import { reservationRepository } from '../catalog-service/src/data/reservation-repository';
import { acquirePostgres } from './postgres';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function cpuMsPerCall(n: number, call: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / n;
}

async function main(rounds = Number(process.argv[2] ?? 10), n = Number(process.argv[3] ?? 2_000)): Promise<void> {
  const server = await acquirePostgres();
  const url = server.url.replace(/\/postgres(\?|$)/, '/raw_query_cost$1');
  await ensureDatabase(url);
  await applyMigrations(url, path.resolve(__dirname, '../catalog-service/prisma/migrations'), createLogger('bench', 'silent'));
  const db = createCatalogDb(url, 4);
  try {
    await db.prisma.$executeRawUnsafe(`INSERT INTO items (sku, name, price_cents, currency, stock) VALUES ('RQC-1', 'x', 100, 'EUR', 1000000) ON CONFLICT DO NOTHING`);
    await reservationRepository(db).create('rqc-1', 'h'.repeat(64), 3600, ['RQC-1'], [1]);
    const text = 'SELECT reservation_json($1) AS answer';
    const paths = {
      prisma: () => db.prisma.$queryRawUnsafe(text, 'rqc-1'),
      pg: () => db.sql.query(text, ['rqc-1']),
    };
    const samples: Record<keyof typeof paths, number[]> = { prisma: [], pg: [] };
    for (const call of Object.values(paths)) await cpuMsPerCall(500, call); // warm-up: JIT, connections
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['prisma', 'pg'] as const) : (['pg', 'prisma'] as const);
      for (const name of order) samples[name].push(await cpuMsPerCall(n, paths[name]));
    }
    const [prisma, pg] = [median(samples.prisma), median(samples.pg)];
    process.stdout.write(`${JSON.stringify({ rounds, callsPerBlock: n, cpuMsPerCall: { prisma, pg }, samples })}\n`);
    process.stdout.write(`CPU per call, median of ${rounds} alternated blocks of ${n}: Prisma $queryRawUnsafe ${prisma.toFixed(3)} ms, pg pool ${pg.toFixed(3)} ms (${(prisma / pg).toFixed(1)} ×)\n`);
  } finally {
    await db.$disconnect();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
