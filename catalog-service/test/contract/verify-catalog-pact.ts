// Child-process entry (see test-support/pact-verification-process.ts): starts the real Catalog on a fresh database,
// verifies the committed pact against it, and reports { ok, error? } to the parent over IPC.
// `--rename=<from>:<to>` puts withRenamedField in front of the app (the breaking-change test).
import { listen, type RunningApp } from '../../../test-support/loopback-http';
import { startCatalog } from '../catalog-harness';
import { TOKENS, verifyCatalogPact, withRenamedField } from './catalog-pact-provider';

async function main(): Promise<{ ok: boolean; error?: string }> {
  const rename = process.argv.find((a) => a.startsWith('--rename='))?.slice('--rename='.length).split(':');
  const catalog = await startCatalog({ ...TOKENS });
  let front: RunningApp | undefined;
  try {
    if (rename) front = await listen(withRenamedField(catalog.app.app, rename[0], rename[1]));
    await verifyCatalogPact(catalog, front?.baseUrl ?? catalog.baseUrl);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await front?.close();
    await catalog.close();
  }
}

main().then(
  (result) => process.send!(result, () => process.exit(0)),
  (err) => process.send!({ ok: false, error: `setup failed: ${err instanceof Error ? err.stack : String(err)}` }, () => process.exit(1)),
);
