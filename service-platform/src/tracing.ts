// OpenTelemetry tracing, configured by the standard OTEL_* variables only. This file imports
// nothing but types: when no OTLP endpoint is set, no SDK is loaded, no exporter made, nothing
// patched, and the @opentelemetry/api calls elsewhere are its no-ops. A service's main.ts imports
// its `instrument.ts` (which calls `startTracing`) first, before express, http or pg are loaded,
// because the instrumentations patch those modules as they are required.
import type { NodeSDK } from '@opentelemetry/sdk-node';

export type TracingState =
  | { on: false; why: string }
  | { on: true; serviceName: string; endpoint: string; protocol: string };

let state: TracingState = { on: false, why: 'not started' };
let sdk: NodeSDK | undefined;
let loaded: typeof import('./tracing-sdk') | undefined;

const set = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** Why tracing stays off in this environment, or undefined when it should be on. */
function offBecause(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return 'OTEL_SDK_DISABLED is true';
  if (set(env.OTEL_TRACES_EXPORTER)?.split(',').map((e) => e.trim()).includes('none')) return 'OTEL_TRACES_EXPORTER is none';
  if (!set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && !set(env.OTEL_EXPORTER_OTLP_ENDPOINT)) return 'no OTEL_EXPORTER_OTLP_ENDPOINT';
  return undefined;
}

/**
 * Starts the OpenTelemetry SDK when an OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT`
 * or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); `OTEL_SERVICE_NAME` overrides `defaultServiceName`.
 * Call it once, before anything else is imported.
 */
export function startTracing(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): TracingState {
  if (sdk) return state;
  const why = offBecause(env);
  if (why) return (state = { on: false, why });
  // A synchronous require, and only here: the SDK must be in place before the next import of
  // main.ts runs, and it must cost nothing (not even loading) when tracing is off.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded = require('./tracing-sdk') as typeof import('./tracing-sdk');
  const named = set(env.OTEL_SERVICE_NAME) ?? /(^|,)\s*service\.name=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  const serviceName = typeof named === 'string' ? named : defaultServiceName;
  sdk = loaded.createSdk(named ? undefined : defaultServiceName);
  sdk.start();
  const endpoint = set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? set(env.OTEL_EXPORTER_OTLP_ENDPOINT)!;
  const protocol = set(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? set(env.OTEL_EXPORTER_OTLP_PROTOCOL) ?? 'http/protobuf';
  return (state = { on: true, serviceName, endpoint, protocol });
}

/**
 * `task`, run outside any trace. For background work on a steady beat (the expiry sweeps), whose
 * queries would otherwise each be a trace of their own, every second, burying the orders' traces.
 */
export function untraced<T>(task: () => Promise<T>): () => Promise<T> {
  return () => (loaded ? loaded.withoutTracing(task) : task());
}

/** Whether tracing is on in this process, and where spans go (logged at start-up). */
export const tracingState = (): TracingState => state;

/**
 * Exports the spans still buffered; part of graceful shutdown. Best effort: a collector that is
 * down fails the export (after OTEL_EXPORTER_OTLP_TIMEOUT at most), never the shutdown.
 */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
}
