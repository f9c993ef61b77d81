// The functions a database defines, as PostgreSQL prints them back (pg_get_functiondef): used to
// keep a commitment's current-definition file (prisma/sql/*.sql) equal to what the migrations
// produce (docs/commitments.md).
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { createTestDatabase } from './test-database';

/** Every function of the public schema, by signature ("reserve_stock(character varying, …)"), with its definition. */
export async function functionDefinitions(databaseUrl: string): Promise<Record<string, string>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; definition: string }>(
      `SELECT p.oid::regprocedure::text AS name, pg_get_functiondef(p.oid) AS definition
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.prokind = 'f' ORDER BY 1`);
    return Object.fromEntries(rows.map((r) => [r.name, r.definition]));
  } finally {
    await client.end();
  }
}

/**
 * The functions `sqlFile` defines, applied alone to an empty database (bodies unchecked: the tables
 * they name do not exist there, and need not: what is compared is the definition).
 */
export async function definitionsOfFile(prefix: string, sqlFile: string): Promise<Record<string, string>> {
  const url = await createTestDatabase(prefix, '/nonexistent-migrations');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET check_function_bodies = off');
    await client.query(readFileSync(sqlFile, 'utf8'));
  } finally {
    await client.end();
  }
  return functionDefinitions(url);
}
