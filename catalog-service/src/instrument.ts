// Imported first by main.ts: OpenTelemetry must patch http, express and pg before they are loaded.
import { startTracing } from 'service-platform/src/tracing';

startTracing('catalog-service');
