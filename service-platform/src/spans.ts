import { type Attributes, SpanStatusCode, trace } from '@opentelemetry/api';

// The one tracer the services' own spans come from. With tracing off its spans are the API's
// no-op spans: no clock read, nothing recorded.
const tracer = trace.getTracer('order-placement');

/**
 * Runs `work` in a span of its own (a child of the active one) with `attributes`, and the
 * attributes `outcome` reads from what `work` returned (how the step ended). A throw marks the
 * span as an error.
 */
export function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>, outcome: (result: T) => Attributes): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      const result = await work();
      span.setAttributes(outcome(result));
      return result;
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Marks something that happened inside the active span (a breaker refusing a call, say). */
export function spanEvent(name: string, attributes?: Attributes): void {
  trace.getActiveSpan()?.addEvent(name, attributes);
}

/** The active span's ids, as the log lines carry them; empty outside a span or with tracing off. */
export function activeTraceIds(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const ctx = trace.getActiveSpan()?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId, trace_flags: `0${ctx.traceFlags.toString(16)}` };
}
