import http from 'node:http';
import axios, { type AxiosInstance } from 'axios';
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

/** One keep-alive axios instance per dependency, with the service credential. */
export function dependencyHttp(baseURL: string, serviceToken: string | undefined, maxSockets: number): AxiosInstance {
  return axios.create({
    baseURL,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
    headers: serviceToken ? { authorization: `Bearer ${serviceToken}` } : {},
    maxRedirects: 0,
  });
}
