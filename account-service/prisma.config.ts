import { defineConfig } from 'prisma/config';

// process.env, not env(): env() throws while the config loads, which breaks `prisma generate`
// where no database is configured. Migrations are applied by the service itself (see README).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/account' },
});
