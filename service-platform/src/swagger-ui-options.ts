/** What Swagger UI hands its request interceptor (the part used here). */
interface SwaggerRequest {
  headers: Record<string, string>;
}

/**
 * Swagger UI's `requestInterceptor`, run in the browser on every "Execute": an `Idempotency-Key`
 * header that still holds the document's example becomes a fresh random key, so each execution
 * is a new order attempt; a key the person typed is sent as typed (executing again with it
 * replays that order). swagger-ui-express ships this function as its source text, so it uses
 * nothing from outside its body: it finds the examples in the document Swagger UI has loaded.
 */
export function freshIdempotencyKeyInterceptor(request: SwaggerRequest): SwaggerRequest {
  const isKey = (name: string) => name.toLowerCase() === 'idempotency-key';
  const ui = (globalThis as unknown as { ui?: { specSelectors: { specJson(): { toJS(): any } } } }).ui; // eslint-disable-line @typescript-eslint/no-explicit-any
  const spec = ui?.specSelectors.specJson().toJS() ?? {};
  const parameters: { name?: string; in?: string; example?: unknown }[] = Object.values(spec.components?.parameters ?? {});
  for (const item of Object.values(spec.paths ?? {}) as Record<string, { parameters?: [] }>[]) {
    for (const op of Object.values(item)) parameters.push(...(op?.parameters ?? []));
  }
  const examples = parameters.filter((p) => p.in === 'header' && isKey(String(p.name))).map((p) => String(p.example));
  for (const name of Object.keys(request.headers)) {
    if (!isKey(name) || !examples.includes(request.headers[name]!)) continue;
    // crypto.randomUUID needs a secure context (https or localhost); getRandomValues does not.
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
    request.headers[name] = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return request;
}

/** Swagger UI's options for every service's /docs: offline, timed, a fresh Idempotency-Key per execution. */
export function swaggerUiOptions(service: string) {
  return {
    customSiteTitle: `${service} API`,
    swaggerOptions: { validatorUrl: null, displayRequestDuration: true, requestInterceptor: freshIdempotencyKeyInterceptor },
  };
}
