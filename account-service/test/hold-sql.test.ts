// prisma/sql/hold.sql is the current definition of a hold's life in SQL; the migrations are how a database
// gets there. PostgreSQL's own printout of every function (pg_get_functiondef) must be the same
// from the migrated database as from the file applied alone to an empty one: a change made in one
// place only (a new migration without the file, or the file without a migration) fails here.
import path from 'node:path';
import { createTestDatabase } from '../../test-support/test-database';
import { definitionsOfFile, functionDefinitions } from '../../test-support/sql-definitions';

const SQL_FILE = path.resolve(__dirname, '../prisma/sql/hold.sql');
const MIGRATIONS = path.resolve(__dirname, '../prisma/migrations');

describe('prisma/sql/hold.sql and the migrations', () => {
  test('when the migrations are applied, then every function is defined exactly as the file defines it', async () => {
    const migrated = await functionDefinitions(await createTestDatabase('account_migrated', MIGRATIONS));
    const fromFile = await definitionsOfFile('account_file', SQL_FILE);
    expect(Object.keys(fromFile).sort()).toEqual(Object.keys(migrated).sort());
    expect(Object.keys(fromFile)).toEqual(expect.arrayContaining(['place_hold', 'hold_refusal', 'capture_hold', 'release_hold', 'expire_holds'].map((f) => expect.stringMatching(new RegExp(`^${f}\\(`)))));
    for (const name of Object.keys(migrated)) expect({ name, definition: fromFile[name] }).toEqual({ name, definition: migrated[name] });
  });
});
