import type { AxiosInstance } from 'axios';
import { BUDGET_HEADER, passedOnHeaders } from 'service-platform';

/**
 * A thin typed layer over axios, driven by the `paths` that openapi-typescript generates from a
 * service's OpenAPI document: `tsc` rejects a wrong path, path parameter, body field or response
 * field. The axios instance (and everything around it: breaker, retries) stays ours.
 */
type Method = 'get' | 'put' | 'post' | 'delete';
type Operation<Paths, P extends keyof Paths, M extends Method> = Paths[P] extends { [K in M]: infer O } ? O : never;
type PathParams<O> = O extends { parameters: { path: infer PP } } ? PP : never;
type JsonBody<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
type Responses<O> = O extends { responses: infer R } ? R : never;
type ContentOf<R> = R extends { content: { 'application/json': infer J } }
  ? J
  : R extends { content: { 'application/problem+json': infer J } }
    ? J
    : undefined;

/** The documented answers below 500 as a union discriminated by `status`. */
export type TypedResponse<O> = {
  [S in keyof Responses<O> & number]: S extends 500 | 503 ? never : { status: S; data: ContentOf<Responses<O>[S]> };
}[keyof Responses<O> & number];

export interface CallOptions {
  signal: AbortSignal;
  timeoutMs: number;
}

/** An answer of 5xx: thrown, because it is the dependency failing (4xx are answers, returned). */
export class DependencyHttpError extends Error {
  constructor(readonly status: number) {
    super(`dependency answered ${status}`);
    this.name = 'DependencyHttpError';
  }
}

const fillPath = (template: string, params: Record<string, string> | undefined) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params?.[name])));

/** Over an instance of `dependencyHttp`: it resolves every status, JSON both ways. */
export function typedClient<Paths extends object>(http: AxiosInstance) {
  return async function call<P extends keyof Paths & string, M extends Method>(
    method: M,
    path: P,
    args: { path?: PathParams<Operation<Paths, P, M>>; body?: JsonBody<Operation<Paths, P, M>> } & CallOptions,
  ): Promise<TypedResponse<Operation<Paths, P, M>>> {
    const res = await http.request({
      method,
      url: fillPath(path, args.path as Record<string, string> | undefined),
      data: args.body,
      signal: args.signal, // the deadline's: the one clock on the call (no second timer in axios)
      headers: { ...passedOnHeaders(), [BUDGET_HEADER]: String(Math.floor(args.timeoutMs)) },
    });
    if (res.status >= 500) throw new DependencyHttpError(res.status);
    return { status: res.status, data: res.data } as TypedResponse<Operation<Paths, P, M>>;
  };
}
