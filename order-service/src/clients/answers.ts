import http from 'node:http';
import axios, { type AxiosInstance } from 'axios';

/** What a dependency said: a value, or a refusal (a 4xx problem) that the saga decides on. */
export type Answer<T> = { ok: true; value: T } | { ok: false; status: number; problem: RefusalProblem };

export interface RefusalProblem {
  code: string;
  title?: string;
  detail?: string;
  [extension: string]: unknown;
}

export const accepted = <T>(value: T): Answer<T> => ({ ok: true, value });

/** A refusal as the dependency's document types it (each problem response has a `code` of its own). */
export function refused(status: number, problem: RefusalProblem): Answer<never> {
  return { ok: false, status, problem };
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
