// The shared platform's behaviour, shown on a real service over real HTTP.
import { Client } from 'pg';
import { type CatalogUnderTest, startCatalog } from './catalog-harness';

describe('Shared platform on the Catalog', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  test('when a body is not valid, then it is 400 problem+json naming each bad field', async () => {
    const res = await catalog.call('PUT', '/items/SOME-SKU', { name: '', priceCents: 'ten', currency: 'EUR' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:problem-type:validation_failed', title: expect.any(String), status: 400, code: 'validation_failed', instance: '/items/SOME-SKU' });
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.priceCents']));
  });

  test('when the body is not JSON, then it is 400 malformed_body', async () => {
    const res = await request('PUT', '/items/SOME-SKU', '{"name":', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed_body');
  });

  test.each(['null', 'true', '12', '"text"'])('when the body is JSON but not an object (%s), then it is 400 malformed_body saying it must be a JSON object', async (text) => {
    const res = await request('PUT', '/items/SOME-SKU', text, 'application/json');
    expect(res).toMatchObject({ status: 400, body: { code: 'malformed_body', detail: expect.stringMatching(/^The body must be a JSON object; this one is valid JSON, but /) } });
  });

  test('when a body has no Content-Type, then the 415 says Content-Type application/json is required', async () => {
    const res = await fetch(`${catalog.baseUrl}/items/SOME-SKU`, { method: 'PUT', body: new Uint8Array(Buffer.from('{}')) });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'unsupported_media_type', detail: 'The request has a body but no Content-Type: send it as JSON with Content-Type: application/json.' });
  });

  test('when a stock adjustment has delta 0, then the 400 names body.delta and says it must not be 0', async () => {
    await catalog.putItem('DELTA-ZERO');
    const res = await catalog.call('POST', '/items/DELTA-ZERO/stock-adjustments', { adjustmentId: 'delta-zero-1', delta: 0, reason: 'nothing' });
    expect(res).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [{ field: 'body.delta', message: 'must not be 0' }] } });
  });

  test('when the content type is not JSON, then it is 415 problem+json', async () => {
    const res = await request('PUT', '/items/SOME-SKU', 'name=x', 'text/plain');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  test('when the body is larger than the limit, then it is 413 problem+json', async () => {
    const res = await request('PUT', '/items/SOME-SKU', JSON.stringify({ name: 'x'.repeat(200_000), priceCents: 1, currency: 'EUR', stock: 1 }), 'application/json');
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  test('when a route does not exist, then it is 404 problem+json', async () => {
    const res = await catalog.call('GET', '/no/such/route');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'route_not_found', status: 404 });
  });

  test('when a method is not allowed on a route, then it is 405 problem+json', async () => {
    const res = await catalog.call('DELETE', '/items/SOME-SKU');
    expect(res.status).toBe(405);
    expect(res.body.code).toBe('method_not_allowed');
  });

  test('when a query parameter is unknown or out of range, then it is 400', async () => {
    expect((await catalog.call('GET', '/items?limit=0')).body.code).toBe('validation_failed');
    expect((await catalog.call('GET', '/items?colour=red')).status).toBe(400);
  });

  test('when / readyz and /livez are asked, then both answer up with the database reachable', async () => {
    expect(await catalog.call('GET', '/livez')).toMatchObject({ status: 200, body: { status: 'alive' } });
    expect(await catalog.call('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'up' } } });
  });

  test('when requests were served, then /metrics has http_request_duration_seconds by route template and status', async () => {
    await catalog.call('GET', '/items/METRIC-SKU');
    const res = await fetch(`${catalog.baseUrl}/metrics`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/items\/:sku"[^}]*status="404"[^}]*\} [1-9]/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  test('when Swagger UI\'s files are served, then /metrics counts them under route="/docs/*", not "unmatched"', async () => {
    const counts = async () => {
      const text = await (await fetch(`${catalog.baseUrl}/metrics`)).text();
      const sum = (route: string) => [...text.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)]
        .filter((m) => m[1].includes(`route="${route}"`)).reduce((n, m) => n + Number(m[2]), 0);
      return { files: sum('/docs/*'), unmatched: sum('unmatched') };
    };
    const before = await counts();
    const files = ['/docs/', '/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js'];
    for (const file of files) {
      const res = await fetch(`${catalog.baseUrl}${file}`);
      await res.arrayBuffer(); // the metric is recorded when the response has finished
      expect(res.status).toBe(200);
    }
    expect(await counts()).toEqual({ files: before.files + files.length, unmatched: before.unmatched });
  });

  test('when /openapi.json and /docs are asked, then the document and Swagger UI are served', async () => {
    const doc = await catalog.call('GET', '/openapi.json', undefined, { Host: 'evil.example' });
    expect(doc.status).toBe(200);
    // Never the Host header (a shared cache would serve the caller's claim to everyone): relative
    // without PUBLIC_URL.
    expect(doc.body.servers).toEqual([{ url: '/' }]);
    expect(doc.body).toMatchObject({ openapi: '3.1.0', info: { title: 'Catalog service' } });
    expect(Object.keys(doc.body.paths)).toContain('/reservations/{reservationId}');
    const ui = await fetch(`${catalog.baseUrl}/docs/`);
    const html = await ui.text();
    expect(ui.status).toBe(200);
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|cdnjs)/); // served offline
    const init = await (await fetch(`${catalog.baseUrl}/docs/swagger-ui-init.js`)).text();
    expect(init).toContain('"validatorUrl": null');
  });

  test('when a request carries X-Request-Id, then the answer carries the same id; otherwise a new one', async () => {
    const given = await fetch(`${catalog.baseUrl}/livez`, { headers: { 'x-request-id': 'req-abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('req-abc-123');
    const made = await fetch(`${catalog.baseUrl}/livez`);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('when the caller\'s time budget is already spent, then it is 503 with Retry-After', async () => {
    const res = await catalog.call('GET', '/items', undefined, { 'x-request-budget-ms': '0' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  test('when the code throws an unexpected error, then it is 500 problem+json without a stack', async () => {
    // A real fault: the table the route reads is gone.
    const pg = new Client({ connectionString: catalog.databaseUrl });
    await pg.connect();
    await pg.query('ALTER TABLE items RENAME TO items_gone');
    try {
      const res = await catalog.call('GET', '/items');
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toEqual({ type: 'urn:problem-type:internal_error', title: 'Internal server error', status: 500, detail: expect.any(String), instance: '/items', code: 'internal_error' });
      expect(JSON.stringify(res.body)).not.toMatch(/items_gone|at .*\.ts|prisma/i);
    } finally {
      await pg.query('ALTER TABLE items_gone RENAME TO items');
      await pg.end();
    }
  });

  async function request(method: string, path: string, body: string, contentType: string) {
    const res = await fetch(`${catalog.baseUrl}${path}`, { method, body, headers: { 'content-type': contentType } });
    return { status: res.status, body: (await res.json()) as { code: string } };
  }
});

describe('A configured ttl ceiling', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog({ RESERVATION_MAX_TTL_SECONDS: '7200' });
    await catalog.putItem('TTL-CEILING', { stock: 100 });
  });
  afterAll(() => catalog.close());

  test('when RESERVATION_MAX_TTL_SECONDS is 7200, then the served document says 7200, 7200 is taken and 7201 is a 400 naming body.ttlSeconds', async () => {
    const doc = (await catalog.call('GET', '/openapi.json')).body;
    expect(doc.components.schemas.ReservationInput.properties.ttlSeconds.maximum).toBe(7200);
    expect((await catalog.reserve('ttl-ceiling-1', [{ sku: 'TTL-CEILING', quantity: 1 }], { ttlSeconds: 7200 })).status).toBe(201);
    const refused = await catalog.reserve('ttl-ceiling-2', [{ sku: 'TTL-CEILING', quantity: 1 }], { ttlSeconds: 7201 });
    expect(refused).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [{ field: 'body.ttlSeconds', message: 'must be <= 7200' }] } });
  });
});

// The validator learns an operation from its first request and reads later requests' path
// parameters itself (service-platform/src/openapi-validation.ts): a fresh service, so that the
// first request of GET /items/{sku} here is the one the library looks up on its own.
describe('One operation asked again and again', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  const asked = async (path: string) => {
    const res = await catalog.call('GET', path);
    return { status: res.status, body: res.body };
  };

  test('when later requests come, then each one\'s own path parameter is decoded and validated as the first one\'s was', async () => {
    await catalog.putItem('ENC-1');
    const malformed = await asked('/items/%E0%A4%A'); // the operation's first request: nothing learnt yet
    const spaced = await asked('/items/a%20b');
    expect(malformed).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(spaced).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    for (let i = 0; i < 3; i++) {
      expect(await asked('/items/ENC%2D1')).toMatchObject({ status: 200, body: { sku: 'ENC-1' } });
      expect(await asked('/items/%E0%A4%A')).toEqual(withOwnRequestId(malformed));
      expect(await asked('/items/a%20b')).toEqual(withOwnRequestId(spaced));
    }
  });

  const withOwnRequestId = (answer: { status: number; body: Record<string, unknown> }) =>
    ({ ...answer, body: { ...answer.body, ...('requestId' in answer.body ? { requestId: expect.any(String) } : {}) } });
});
