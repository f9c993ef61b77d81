import http from 'node:http';
import axios, { type AxiosInstance, type AxiosRequestTransformer, type AxiosResponseTransformer } from 'axios';
import type { Refusal, Result } from '../domain/ports';
import { isDependencyUnavailable } from './resilience/dependency-unavailable';

/** A problem body as a dependency's document types it: a `code` of its own, and its members. */
export interface ProblemBody {
  code: string;
  title?: string;
  detail?: string;
  [member: string]: unknown;
}

export const accepted = <T>(value: T): Result<T> => ({ ok: true, value });

/**
 * A 4xx answer as the domain's refusal: its code and members, without the HTTP ones. A 409 is a
 * conflict with the commitment's state, so asking again with the same id gets the same: `final`.
 */
export function refused(status: number, problem: ProblemBody): Result<never> {
  const { code, title, type: _type, status: _status, instance: _instance, ...details } = problem;
  const refusal: Refusal = { code, title: title ?? code, final: status === 409, details };
  return { ok: false, refused: refusal };
}

/** Runs one call through its dependency; a DependencyUnavailable (thrown by it) becomes the domain's `unavailable`. */
export async function answered<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch (err) {
    if (!isDependencyUnavailable(err)) throw err;
    return { ok: false, unavailable: err.unavailable };
  }
}

// What axios's default transforms work out on every call (form data, URLSearchParams, streams,
// transitional options), decided once: our bodies are JSON or nothing, and so are the answers.
const jsonBody: AxiosRequestTransformer = (data, headers) => {
  if (data === undefined) return data;
  headers.setContentType('application/json', false);
  return JSON.stringify(data);
};
// A body that is not JSON (a proxy's HTML 502) stays a string, as axios's silent parsing leaves it:
// the status decides what the call means, never a parse error.
const jsonAnswer: AxiosResponseTransformer = (data) => {
  if (typeof data !== 'string' || data === '') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
};
const everyStatus = () => true; // the caller decides what a status means (typedClient: 5xx throws)

/**
 * One keep-alive axios instance per dependency, with the service credential, its defaults made
 * once: axios merges the instance's defaults into every call, deep-merging its nested ones, and
 * those cost more per call than our own options (measured in the commit that made them flat).
 */
export function dependencyHttp(baseURL: string, serviceToken: string | undefined, maxSockets: number): AxiosInstance {
  const instance = axios.create({
    baseURL,
    adapter: 'http',
    // As many sockets as the bulkhead lets calls in flight: at saturation every call finds one open
    // (none opened per call). Node's 'lifo' and 'fifo' scheduling measured alike (sockets opened
    // and CPU per call, bursty load against a 5 s server keep-alive): the default stays.
    httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
    maxRedirects: 0,
    validateStatus: everyStatus,
    transformRequest: [jsonBody],
    transformResponse: [jsonAnswer],
  });
  // Flat headers instead of axios's per-method buckets (common, get, post, …): the same headers
  // sent, without a deep merge of seven objects per call.
  instance.defaults.headers = {
    Accept: 'application/json, text/plain, */*',
    ...(serviceToken ? { authorization: `Bearer ${serviceToken}` } : {}),
  } as unknown as typeof instance.defaults.headers;
  // No `transitional` or `env` (with the transforms above only axios's per-call validation reads
  // them), nor what only a browser reads (xsrf*) or what holds axios's "no limit" (timeout 0, the
  // body limits -1): absent, the http adapter behaves the same, and each is a key fewer to merge.
  for (const key of ['transitional', 'env', 'xsrfCookieName', 'xsrfHeaderName', 'timeout', 'maxContentLength', 'maxBodyLength'] as const) {
    delete instance.defaults[key];
  }
  return instance;
}
