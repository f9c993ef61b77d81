// What both providers' pact verifications share: provider states as handlers over the state's
// parameters, a setup call that must succeed, and the pact's example bearer swapped for the
// provider's real service token.
import type { RequestHandler } from 'express';
import { Verifier, type VerifierOptions } from '@pact-foundation/pact';

export type StateHandlers = NonNullable<VerifierOptions['stateHandlers']>;

/** A state handler over the state's parameters (Pact passes them as JSON). */
export const state = <P>(setup: (params: P) => Promise<unknown>) => async (params?: unknown) => {
  await setup(params as P);
  return undefined;
};

/** A state's setup call must have answered one of `statuses`, or the verification stops there. */
export function expectStatus(what: string, res: { status: number; body: unknown }, ...statuses: number[]): void {
  if (!statuses.includes(res.status)) throw new Error(`state setup: ${what} answered ${res.status} ${JSON.stringify(res.body)}`);
}

/** The provider's real credentials as headers: for state setup (admin) and the verified requests (service). */
export function credentials(tokens: { SERVICE_TOKEN: string; ADMIN_TOKEN: string }) {
  const service = { authorization: `Bearer ${tokens.SERVICE_TOKEN}` };
  /** The pact's `Authorization: Bearer <example>` becomes the provider's real SERVICE_TOKEN. */
  const realServiceToken: RequestHandler = (req, _res, next) => {
    if (req.headers.authorization) req.headers.authorization = service.authorization;
    next();
  };
  return { admin: { authorization: `Bearer ${tokens.ADMIN_TOKEN}` }, service, realServiceToken };
}

/** Verifies the committed `pactFile` against `providerBaseUrl`; resolves when every interaction passed. */
export function verifyPact(opts: {
  provider: string;
  providerBaseUrl: string;
  pactFile: string;
  states: { stateHandlers: StateHandlers; beforeEach: () => Promise<void> };
  realServiceToken: RequestHandler;
}) {
  return new Verifier({
    provider: opts.provider,
    providerBaseUrl: opts.providerBaseUrl,
    pactUrls: [opts.pactFile],
    ...opts.states,
    requestFilter: opts.realServiceToken,
    logLevel: (process.env.PACT_LOG_LEVEL ?? 'error') as 'error',
  }).verifyProvider();
}
