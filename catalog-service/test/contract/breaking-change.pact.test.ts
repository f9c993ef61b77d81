// Would CI catch a Catalog that drifts from what Order relies on? The same committed pact, verified
// against the real Catalog with one deliberate breaking change in front of it: `unitPriceCents`
// renamed to `unitPrice` in every JSON response (Order prices orders from that field). The
// verification must fail, on exactly the interactions whose answers carry reservation lines.
import path from 'node:path';
import { pactResults, report, runVerification } from '../../../test-support/pact-verification-process';

const VERIFY = path.join(__dirname, 'verify-catalog-pact.ts');

describe('a breaking change in the Catalog fails the pact verification', () => {
  test('when unitPriceCents is renamed to unitPrice, then the Verifier rejects, naming that field', async () => {
    const result = await runVerification(VERIFY, ['--rename=unitPriceCents:unitPrice']);
    expect(result.ok).toBe(false); // the Verifier's promise rejected
    const results = pactResults(result);
    if (!results) throw new Error(`the verification did not run to its end:\n${report(result)}`);

    const failed = results.errors as Array<{ interaction: string; mismatch: { mismatches?: unknown[] } }>;
    const failedInteractions = failed.map((e) => e.interaction.replace(/^.* - /, '')).sort();
    expect(failedInteractions).toEqual([
      'a confirmation of a held reservation',
      'a confirmation of a reservation that expired while the stock is still there',
      'a reservation of stock that is there',
    ]);
    for (const error of failed) {
      expect(error.mismatch.mismatches).toContainEqual(expect.objectContaining({
        type: 'BodyMismatch', path: '$.lines[0]', mismatch: expect.stringContaining('missing the following keys: unitPriceCents'),
      }));
    }
    // Everything else still verifies: the failure is the rename, not a broken setup.
    const all = results.interactionResults as Array<{ description: string; result: string }>;
    expect(all.filter((r) => r.result !== 'OK').map((r) => r.description).sort()).toEqual(failedInteractions);
    expect(all.length).toBeGreaterThan(failedInteractions.length);
  });
});
