// The real Account service (real HTTP, a fresh real PostgreSQL database, SERVICE_TOKEN and
// ADMIN_TOKEN set) honours every interaction Order's pact asks of it: the COMMITTED
// pacts/order-service-account-service.json, written by
// order-service/test/contract/account-consumer.pact.test.ts. The verification runs in a child
// process (see test-support/pact-verification-process.ts and verify-account-pact.ts).
import path from 'node:path';
import { report, runVerification } from '../../../test-support/pact-verification-process';

const VERIFY = path.join(__dirname, 'verify-account-pact.ts');

describe('account-service honours the pact with order-service (Pact provider)', () => {
  test('every interaction in pacts/order-service-account-service.json verifies against the real Account service', async () => {
    const result = await runVerification(VERIFY);
    if (!result.ok) throw new Error(`pact verification failed:\n${report(result)}`);
  });
});
