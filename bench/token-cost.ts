// The cost of customer authentication on the order path: Order verifies one access token per
// POST /orders (jose, ES256, the JWKS cached after the first fetch, as the services do it). Measured
// as CPU per verification in this process, to set beside the CPU per order of the whole system.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { SystemAuth } from '../test-support/system-harness';

export async function tokenVerificationCost(auth: SystemAuth, n = 2_000): Promise<{ alg: string; cpuMsPerVerification: number }> {
  const jwks = createRemoteJWKSet(new URL(auth.issuer.jwksUrl));
  const options = { issuer: auth.issuer.url, audience: auth.issuer.audience, algorithms: ['ES256', 'RS256'], clockTolerance: 30 };
  const token = await auth.customerToken('bench-token-cost');
  for (let i = 0; i < 200; i++) await jwtVerify(token, jwks, options); // warm-up, and the JWKS fetched once
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await jwtVerify(token, jwks, options);
  const used = process.cpuUsage(before);
  return { alg: auth.issuer.published[0].alg, cpuMsPerVerification: (used.user + used.system) / 1000 / n };
}
