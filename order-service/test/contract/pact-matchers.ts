// What every interaction of Order's pacts matches the same way, whichever provider it is with.
import { MatchersV3 } from '@pact-foundation/pact';
import { SERVICE_TOKEN_EXAMPLE } from './pact-files';

const { regex, string } = MatchersV3;

/** What Order sends on every call: its credential and the time the callee has left. */
export const callHeaders = {
  Authorization: regex('^Bearer \\S+$', `Bearer ${SERVICE_TOKEN_EXAMPLE}`),
  'X-Request-Budget-Ms': regex('^\\d+$', '3000'),
};
export const jsonRequest = { ...callHeaders, 'Content-Type': 'application/json' };
// Pact matches a Content-Type regex against the whole value, parameters included.
export const json = { 'Content-Type': regex('^application/json(;.*)?$', 'application/json; charset=utf-8') };
export const problemJson = { 'Content-Type': regex('^application/problem\\+json(;.*)?$', 'application/problem+json; charset=utf-8') };

export const ISO_INSTANT = "yyyy-MM-dd'T'HH:mm:ss.SSSX";

/** A problem body as Order reads it: the stable code, and some title. */
export const problem = (code: string, title: string) => ({ code, title: string(title) });
