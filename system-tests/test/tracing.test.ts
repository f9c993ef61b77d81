// Tracing across the three services as real processes, exporting OTLP http/json to a receiver of
// the test's own: one order is one trace, the callee's server spans are children of Order's client
// spans, the saga's step spans carry the order id and outcome; with no endpoint, nothing is sent.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { CLIENT, type OtlpReceiver, type ReceivedSpan, SERVER, startOtlpReceiver } from '../../test-support/otlp-receiver';
import { json, setUpShop, type Shop } from '../../test-support/order-workload';
import { until } from '../../test-support/polling';
import { startSystem, type System } from '../../test-support/system-harness';
import { testPostgresUrl } from '../../test-support/test-database';
import { builtMain, servicesBuilt } from '../../scripts/build-services';

const SHOP: Shop = { items: [{ sku: 'TRC-A', stock: 100, priceCents: 700 }], accounts: [{ id: 'trc-acc', creditLimitCents: 1_000_000 }] };
/** The SDK's standard settings, as an operator would set them; a short batch delay so spans come soon. */
const OTEL = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_SAMPLER: 'always_on', OTEL_BSP_SCHEDULE_DELAY: '50', LOG_LEVEL: 'info' };
const SAGA_STEPS = ['order.reserve', 'order.hold', 'order.commit', 'order.confirm', 'order.capture'];


async function placeOrder(s: System, headers: Record<string, string> = {}): Promise<{ status: number; body: any; requestId: string | null }> {
  const res = await fetch(`${s.order.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), authorization: `Bearer ${await s.auth.customerToken('trc-acc')}`, ...headers },
    body: JSON.stringify({ accountId: 'trc-acc', lines: [{ sku: 'TRC-A', quantity: 2 }] }),
  });
  return { status: res.status, body: await res.json(), requestId: res.headers.get('x-request-id') };
}

/** The JSON log lines a service wrote. */
const logLines = (output: string): any[] =>
  output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

const ancestors = (span: ReceivedSpan, byId: Map<string, ReceivedSpan>): ReceivedSpan[] => {
  const chain: ReceivedSpan[] = [];
  for (let p = span.parentSpanId && byId.get(span.parentSpanId); p; p = p.parentSpanId && byId.get(p.parentSpanId)) chain.push(p);
  return chain;
};

jest.setTimeout(120_000); // three real processes per test, on a machine that may be busy

describe('Tracing (real processes, an OTLP/HTTP receiver of the test\'s own)', () => {
  let receiver: OtlpReceiver;
  let system: System | undefined;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await system?.stop();
    system = undefined;
    await receiver.close();
  });

  const startTraced = async (orderEnv: Record<string, string> = {}) => {
    system = await startSystem(testPostgresUrl(), { env: { ...OTEL, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, perService: { order: orderEnv } });
    await setUpShop(system.catalog.url, system.account.url, SHOP, system.auth);
    return system;
  };

  /** The spans of the trace that holds `orderId`'s saga, once every one of `names` has arrived. */
  const traceOf = (orderId: string, names: string[]) => until(`the spans ${names.join(', ')} of order ${orderId}`, () => {
    const ofOrder = receiver.spans.filter((s) => s.attributes['order.id'] === orderId);
    if (ofOrder.length === 0) return undefined;
    const trace = receiver.spans.filter((s) => s.traceId === ofOrder[0].traceId);
    return names.every((n) => trace.some((s) => `${s.service}:${s.name}`.includes(n))) ? trace : undefined;
  }, { timeoutMs: 20_000 });

  test('when an order is placed, then one trace holds Order\'s handler, the saga\'s steps and calls, and Catalog\'s and Account\'s handlers and queries as children of Order\'s calls', async () => {
    const s = await startTraced();
    const placed = await placeOrder(s);
    expect(placed.status).toBe(201);
    const orderId: string = placed.body.id;

    // Every span the checks below look at, awaited: batches from three processes arrive in any order
    // (Order's own POST /orders ends, and is exported, after its children).
    const trace = await traceOf(orderId, [
      'order-service:POST /orders', ...SAGA_STEPS, 'catalog-service:PUT', 'account-service:PUT', 'catalog-service:POST', 'account-service:POST',
      'catalog-service:pg.query:SELECT', 'account-service:pg.query:SELECT',
    ]);
    const byId = new Map(trace.map((sp) => [sp.spanId, sp]));

    // One trace: every span that names the order is in it, and it starts at Order's POST /orders.
    expect(new Set(receiver.spans.filter((sp) => sp.attributes['order.id'] === orderId).map((sp) => sp.traceId)).size).toBe(1);
    const roots = trace.filter((sp) => !sp.parentSpanId);
    expect(roots).toEqual([expect.objectContaining({ service: 'order-service', kind: SERVER, name: 'POST /orders' })]);
    expect(new Set(trace.map((sp) => sp.service))).toEqual(new Set(['order-service', 'catalog-service', 'account-service']));

    // The saga's steps carry the order id and how each ended.
    for (const step of SAGA_STEPS) {
      const span = trace.find((sp) => sp.name === step)!;
      expect(span.attributes).toMatchObject({ 'order.id': orderId, 'order.step.outcome': step === 'order.commit' ? 'moved' : 'accepted' });
    }

    // Catalog's and Account's server spans are children of Order's client spans, made in a saga step.
    const callees = trace.filter((sp) => sp.service !== 'order-service' && sp.kind === SERVER);
    expect(callees.length).toBeGreaterThanOrEqual(4); // reserve, hold, confirm, capture
    for (const callee of callees) {
      const parent = byId.get(callee.parentSpanId!);
      expect(parent).toMatchObject({ service: 'order-service', kind: CLIENT });
      expect(ancestors(parent!, byId).map((a) => a.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^order\./)]));
    }
    // Their queries are under their own handlers.
    for (const service of ['catalog-service', 'account-service']) {
      const queries = trace.filter((sp) => sp.service === service && /^prisma:|^pg\./.test(sp.name));
      expect(queries.length).toBeGreaterThan(0);
      for (const q of queries) expect(ancestors(q, byId).some((a) => a.service === service && a.kind === SERVER)).toBe(true);
    }

    // Catalog's and Account's traces all start at a request: their expiry sweeps (every second) are untraced.
    expect(receiver.spans.filter((sp) => sp.service !== 'order-service' && !sp.parentSpanId && sp.kind !== SERVER)).toEqual([]);

    // The log lines of the request, in Order and in Catalog, name the trace.
    const traceId = roots[0].traceId;
    const orderLog = logLines(s.order.output).find((l) => l.req?.url === '/orders' && l.req?.method === 'POST');
    expect(orderLog).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const catalogLog = logLines(s.catalog.output).find((l) => l.req?.url === `/reservations/${orderId}`);
    expect(catalogLog).toMatchObject({ trace_id: traceId, req: { id: placed.requestId } });
  });

  test('when the breaker refuses calls, then the saga step\'s span shows it as an event, and so does the span of a request refused before any step', async () => {
    const s = await startTraced({ BREAKER_VOLUME_THRESHOLD: '2', BREAKER_RESET_MS: '60000', RETRY_MAX_ATTEMPTS: '1' });
    await s.catalog.signal('SIGKILL');
    // Until the breaker opens, orders are recorded and fail in their reserve step.
    let lastWithOrder: { status: number; body: any } | undefined;
    await until('the breaker to open', async () => {
      const placed = await placeOrder(s);
      if (placed.body.orderId) lastWithOrder = placed;
      return (await json(`${s.order.url}/dependencies`)).items[0].state === 'open';
    }, { timeoutMs: 20_000 });
    expect(lastWithOrder?.status).toBe(503);
    const failed = await traceOf(lastWithOrder!.body.orderId, ['order.reserve']);
    expect(failed.find((sp) => sp.name === 'order.reserve')!.attributes['order.step.outcome']).toMatch(/^unavailable:/);

    // With the breaker open, the request is answered before any saga step (nothing recorded): its own span says why.
    const traceId = randomUUID().replace(/-/g, '');
    const refused = await placeOrder(s, { traceparent: `00-${traceId}-${'1'.repeat(16)}-01` });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'dependency_unavailable', reason: 'breaker_open' });
    expect(refused.body).not.toHaveProperty('orderId');
    const spans = await until('the refused request\'s span with its breaker_open event', () => {
      const ofRequest = receiver.spans.filter((sp) => sp.traceId === traceId);
      return ofRequest.some((sp) => sp.events.some((e) => e.name === 'breaker_open')) ? ofRequest : undefined;
    }, { timeoutMs: 20_000 });
    expect(spans.flatMap((sp) => sp.events)).toContainEqual(expect.objectContaining({ name: 'breaker_open', attributes: { 'order.dependency': 'catalog' } }));
    expect(spans.filter((sp) => sp.name.startsWith('order.'))).toEqual([]); // no saga step ran
  });

  test('when no endpoint is set, then no service starts tracing, nothing is sent, and the logs still tie the services together by request id', async () => {
    // Everything else an operator might set, and the metrics pointed at the receiver: a started SDK
    // would export there every 50 ms from start-up on. Empty endpoints count as unset (so says the spec).
    system = await startSystem(testPostgresUrl(), {
      env: {
        ...OTEL, OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
        OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`, OTEL_METRIC_EXPORT_INTERVAL: '50', OTEL_METRIC_EXPORT_TIMEOUT: '40',
      },
    });
    await setUpShop(system.catalog.url, system.account.url, SHOP, system.auth);
    const placed = await placeOrder(system);
    expect(placed.status).toBe(201);
    for (const svc of system.all) await svc.signal('SIGTERM'); // graceful: a started SDK would flush now

    for (const svc of system.all) {
      expect(logLines(svc.output).find((l) => l.msg === 'tracing off')).toMatchObject({ tracing: { on: false, why: 'no OTEL_EXPORTER_OTLP_ENDPOINT' } });
      expect(logLines(svc.output).filter((l) => 'trace_id' in l)).toEqual([]);
    }
    expect(receiver.requests).toEqual([]);
    const catalogLog = logLines(system.catalog.output).find((l) => l.req?.url === `/reservations/${placed.body.id}`);
    expect(catalogLog).toMatchObject({ req: { id: placed.requestId } });
  });

  // The instrumentations patch http, express and pg as they are required: only what is loaded after
  // them is sure to be traced (some of it happens to be required again later, which hides a wrong order).
  test.each(['order', 'catalog', 'account'])('when %s-service starts, then its first import starts tracing', (name) => {
    const main = readFileSync(path.resolve(__dirname, `../../${name}-service/src/main.ts`), 'utf8');
    expect(main.split('\n').find((l) => l.startsWith('import '))).toMatch(/^import '\.\/instrument';/);
    expect(readFileSync(path.resolve(__dirname, `../../${name}-service/src/instrument.ts`), 'utf8')).toContain(`startTracing('${name}-service')`);
  });

  // The build as it runs: every module of it loaded (an unknown argument is refused only after
  // that), then which OpenTelemetry packages came with it. The API alone is a set of no-ops.
  test('when no endpoint is set, then the SDK is not even loaded', async () => {
    await servicesBuilt();
    const probe = spawnSync(process.execPath, ['-e', [
      "process.on('exit', () => process.stdout.write(JSON.stringify(Object.keys(require.cache)",
      "  .filter((f) => /[\\/]node_modules[\\/]@(opentelemetry|prisma[\\/]instrumentation)[\\/]/.test(f))",
      "  .map((f) => f.replace(/.*[\\/]node_modules[\\/](@[^\\/]+[\\/][^\\/]+).*/, '$1')))));",
      `process.argv = [process.argv[0], ${JSON.stringify(builtMain('order'))}, 'not-a-command'];`,
      'require(process.argv[1]);',
    ].join('\n')], {
      cwd: path.resolve(__dirname, '../../order-service'),
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' },
      encoding: 'utf8',
    });
    expect(probe.stderr).toContain('unknown arguments "not-a-command"');
    expect([...new Set(JSON.parse(probe.stdout))]).toEqual(['@opentelemetry/api']);
  });
});
