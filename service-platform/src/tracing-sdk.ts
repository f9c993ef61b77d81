// Loaded by tracing.ts only when tracing is on. The exporter (OTLP over http/protobuf, http/json
// or grpc), the sampler (OTEL_TRACES_SAMPLER) and the batch processor (OTEL_BSP_*) come from the
// environment, through NodeSDK's own reading of it; what is chosen here is what to instrument.
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PrismaInstrumentation } from '@prisma/instrumentation';

/** Probes and scrapes: a span each, many times a minute, telling nothing about an order. */
const UNTRACED_PATHS = /^\/(livez|readyz|metrics)(\?|$)/;

/** `serviceName` undefined: OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES name the service. */
export function createSdk(serviceName: string | undefined): NodeSDK {
  return new NodeSDK({
    serviceName,
    // Logs stay pino JSON on stdout (with trace_id and span_id); metrics stay prom-client's /metrics.
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') }),
      // Every app.use() would be a span of its own (context, logs, metrics, validator, ...): the
      // route's handler is the one that tells what the request did.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      // A query outside any request (migrations, expiry sweeps) is not worth a trace of its own.
      new PgInstrumentation({ requireParentSpan: true }),
      // serialize: a span per query for turning its answer into objects; the query's own span says enough.
      new PrismaInstrumentation({ ignoreSpanTypes: ['prisma:client:serialize'] }),
    ],
  });
}

/** Runs `fn` in a context where no span is recorded (and none is exported). */
export const withoutTracing = <T>(fn: () => T): T => context.with(suppressTracing(context.active()), fn);
