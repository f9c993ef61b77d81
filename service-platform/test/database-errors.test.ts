import { DatabaseError } from 'pg';
import { databaseProblem, isRetryableConflict } from '../src/database-errors';

// The shapes below are what Prisma 7 + @prisma/adapter-pg threw against a real PostgreSQL 17
// (refused port, server stopped under a query, pg_terminate_backend, statement_timeout).
const adapterError = (code: string, cause: Record<string, unknown>) =>
  Object.assign(new Error('Raw query failed'), { name: 'PrismaClientKnownRequestError', code, meta: { driverAdapterError: { name: 'DriverAdapterError', cause } } });
// What pg itself throws for a server error, on the statements sent to the pool directly.
const pgError = (sqlState: string, message = 'error') => Object.assign(new DatabaseError(message, 0, 'error'), { code: sqlState, severity: 'ERROR' });

describe('databaseProblem', () => {
  test.each([
    ['a refused connection (raw query)', adapterError('P2010', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 })],
    ['a refused connection (transaction start)', adapterError('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 })],
    ['a server shut down or a backend terminated (57P01)', adapterError('P2010', { kind: 'postgres', originalCode: '57P01', code: '57P01' })],
    ['a crash shutdown (57P02)', adapterError('P2010', { kind: 'postgres', originalCode: '57P02', code: '57P02' })],
    ['a server starting or stopping (57P03)', adapterError('P2010', { kind: 'postgres', originalCode: '57P03', code: '57P03' })],
    ['a connection reset', adapterError('P2010', { kind: 'ConnectionClosed' })],
    ['no pool connection in time (P2024)', Object.assign(new Error('Timed out fetching a new connection'), { code: 'P2024' })],
    ['pg: ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect' })],
    ['pg-pool: connect timeout', new Error('timeout exceeded when trying to connect')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: no connection within connectionTimeoutMillis (what Prisma rethrows as is)', new Error('Connection terminated due to connection timeout')],
    ['pg: a backend terminated (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['pg: a server starting or stopping (57P03)', pgError('57P03', 'the database system is starting up')],
  ])('when the driver reports %s, then it is 503 database_unavailable with Retry-After', (_what, err) => {
    const problem = databaseProblem(err);
    expect(problem).toMatchObject({ status: 503, code: 'database_unavailable', headers: { 'Retry-After': expect.stringMatching(/^[1-9]\d*$/) } });
  });

  test.each([
    ['statement_timeout (57014)', adapterError('P2010', { kind: 'postgres', originalCode: '57014', code: '57014' })],
    ['lock_timeout (55P03)', adapterError('P2010', { kind: 'postgres', originalCode: '55P03', code: '55P03' })],
    ['statement_timeout, from pg (57014)', pgError('57014', 'canceling statement due to statement timeout')],
    ['lock_timeout, from pg (55P03)', pgError('55P03', 'canceling statement due to lock timeout')],
  ])('when a statement is cancelled by %s, then it is 503 budget_exhausted', (_what, err) => {
    expect(databaseProblem(err)).toMatchObject({ status: 503, code: 'budget_exhausted' });
  });

  test.each([
    ['a division by zero', adapterError('P2010', { kind: 'postgres', originalCode: '22012', code: '22012' })],
    ['a check constraint', adapterError('P2010', { kind: 'postgres', originalCode: '23514', code: '23514' })],
    ['a unique violation, from pg', pgError('23505', 'duplicate key value violates unique constraint')],
    ['an HTTP client refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', isAxiosError: true })],
    ['a plain bug', new TypeError('x is undefined')],
  ])('when it is %s, then it is not the database being away (a 500)', (_what, err) => {
    expect(databaseProblem(err)).toBeUndefined();
  });

  test('a deadlock and a serialization failure are retryable conflicts; other errors are not', () => {
    expect(isRetryableConflict(adapterError('P2034', { kind: 'TransactionWriteConflict' }))).toBe(true);
    expect(isRetryableConflict(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(true);
    expect(isRetryableConflict(adapterError('P2010', { kind: 'postgres', originalCode: '22012' }))).toBe(false);
    expect(isRetryableConflict(pgError('40001'))).toBe(true);
    expect(isRetryableConflict(pgError('40P01'))).toBe(true);
    expect(isRetryableConflict(pgError('23505'))).toBe(false);
  });
});
