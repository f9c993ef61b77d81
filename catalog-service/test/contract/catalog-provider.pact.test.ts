// The real Catalog (real HTTP, a fresh real PostgreSQL database, SERVICE_TOKEN and ADMIN_TOKEN
// set) honours every interaction Order's pact asks of it: the COMMITTED
// pacts/order-service-catalog-service.json, written by
// order-service/test/contract/catalog-consumer.pact.test.ts. The verification runs in a child
// process (see test-support/pact-verification-process.ts and verify-catalog-pact.ts).
import path from 'node:path';
import { report, runVerification } from '../../../test-support/pact-verification-process';

const VERIFY = path.join(__dirname, 'verify-catalog-pact.ts');

describe('catalog-service honours the pact with order-service (Pact provider)', () => {
  test('every interaction in pacts/order-service-catalog-service.json verifies against the real Catalog', async () => {
    const result = await runVerification(VERIFY);
    if (!result.ok) throw new Error(`pact verification failed:\n${report(result)}`);
  });
});
