// Child-process entry (see test-support/pact-verification-process.ts): starts the real Account service on a fresh
// database, verifies the committed pact against it, and reports { ok, error? } to the parent over IPC.
import { startAccount } from '../account-harness';
import { TOKENS, verifyAccountPact } from './account-pact-provider';

async function main(): Promise<{ ok: boolean; error?: string }> {
  const account = await startAccount({ ...TOKENS });
  try {
    await verifyAccountPact(account);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await account.close();
  }
}

main().then(
  (result) => process.send!(result, () => process.exit(0)),
  (err) => process.send!({ ok: false, error: `setup failed: ${err instanceof Error ? err.stack : String(err)}` }, () => process.exit(1)),
);
