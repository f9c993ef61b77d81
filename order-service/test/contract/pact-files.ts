// Where the consumer tests write their pacts, and how a finished pact reaches pacts/.
//
// The provider tests verify the committed files in pacts/ and may run at the same time as the
// consumer tests (jest runs files in parallel, in any order). So a consumer test never writes into
// pacts/ directly: Pact writes (and merges) into a fresh temporary folder, and only when every
// interaction of the file passed is the result moved into pacts/ in one atomic rename, and only if
// it differs from what is there. A reader sees the old file or the new one, never half of one, and
// an interaction removed from a test does not live on in the file by Pact's merging.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AxiosInstance } from 'axios';
import { PactV3, SpecificationVersion, type V3MockServer } from '@pact-foundation/pact';
import { getFfiLib } from '@pact-foundation/pact-core';
import { Registry } from 'prom-client';
import { Deadline } from 'service-platform';
import { until } from '../../../test-support/polling';
import { dependencyHttp } from '../../src/clients/dependency-answers';
import { Dependency } from '../../src/clients/resilience/dependency';
import { REQUEST } from '../../src/domain/order';

export const PACTS_DIR = path.resolve(__dirname, '../../../pacts');
export const CONSUMER = 'order-service';
const LOG_LEVEL = (process.env.PACT_LOG_LEVEL ?? 'error') as 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** What the consumer sends as its credential; a provider test swaps in its own SERVICE_TOKEN. */
export const SERVICE_TOKEN_EXAMPLE = 'order-service-token';

/**
 * Waits (briefly) until the mock server has recorded its match. Pact's Rust mock server answers
 * before it records the match (on another thread), so under CPU load PactV3.executeTest can ask
 * "matched?" too early and fail with "expected but not received" for a request that was answered
 * (pact-foundation/pact-reference#535, pact-core-mock-server#13). A real mismatch still fails:
 * after the wait, executeTest checks as usual.
 */
async function settled(server: V3MockServer, maxWaitMs = 1000): Promise<void> {
  await until('the mock server to record its match', () => getFfiLib().pactffiMockServerMatched(server.port), { timeoutMs: maxWaitMs, everyMs: 5 })
    .catch(() => undefined); // not matched: executeTest reports what was missing
}

/**
 * One pact file between order-service and `provider`. `test` declares one interaction test; the
 * file is published after the last one (call `publish` in afterAll) only if all of them passed.
 */
export function consumerPact(provider: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pact-order-service-'));
  const fileName = `${CONSUMER}-${provider}.json`;
  let declared = 0;
  let passed = 0;
  return {
    fileName,
    /**
     * One interaction: `interaction` describes it on a fresh PactV3, then `exercise` runs the
     * real client against the mock server (whose URL it gets).
     */
    test(name: string, interaction: (pact: PactV3) => PactV3, exercise: (url: string) => Promise<void>) {
      declared++;
      test(name, async () => {
        const pact = new PactV3({ consumer: CONSUMER, provider, dir, spec: SpecificationVersion.SPECIFICATION_VERSION_V3, logLevel: LOG_LEVEL });
        await interaction(pact).executeTest(async (server) => {
          await exercise(server.url);
          await settled(server);
        });
        passed++;
      });
    },
    /** Moves the pact into pacts/ (atomically, only when changed) if every interaction passed. */
    publish(): void {
      try {
        if (declared === 0 || passed !== declared) return;
        const written = readFileSync(path.join(dir, fileName), 'utf8');
        const target = path.join(PACTS_DIR, fileName);
        let committed: string | undefined;
        try {
          committed = readFileSync(target, 'utf8');
        } catch {
          committed = undefined;
        }
        if (written === committed) return;
        mkdirSync(PACTS_DIR, { recursive: true });
        const temporary = `${target}.${process.pid}.tmp`;
        writeFileSync(temporary, written);
        renameSync(temporary, target);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The real resilience stack around a client, as Order builds it; no retries, so a mismatch shows once. */
export function realDependency(name: string, mockServerUrl: string) {
  const dependency = new Dependency(name, {
    breaker: { errorThresholdPercentage: 50, volumeThreshold: 1000, resetTimeoutMs: 5000, rollingWindowMs: 10_000 },
    retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 20 },
    maxConcurrent: 8,
  }, new Registry());
  return { http: dependencyHttp(mockServerUrl, SERVICE_TOKEN_EXAMPLE, 8), dependency };
}

/** What every call gets: the request path's 3 s (the header the pact names). */
export const budget = () => ({ deadline: Deadline.after(3000), writer: REQUEST });

/**
 * The pact with `provider` and the real client under test: `clientAt(url)` builds the client on the
 * real resilience stack against the mock server. Its dependencies are shut down after each test,
 * and the pact is published after the last.
 */
export function consumerTests<C>(provider: string, dependencyName: string, client: (http: AxiosInstance, dependency: Dependency) => C) {
  const contract = consumerPact(provider);
  const dependencies: Dependency[] = [];
  afterEach(() => dependencies.splice(0).forEach((d) => d.shutdown()));
  afterAll(() => contract.publish());
  const clientAt = (url: string): C => {
    const { http, dependency } = realDependency(dependencyName, url);
    dependencies.push(dependency);
    return client(http, dependency);
  };
  return { contract, clientAt };
}
