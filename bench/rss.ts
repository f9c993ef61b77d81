// Peak memory of each service process: /proc/<pid>/status VmHWM (the peak RSS since the process
// started) sampled periodically, so a process that is killed and restarted is covered too.
import { readFileSync } from 'node:fs';
import type { ServiceProcess } from '../test-support/system-harness';

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null; // gone, or not Linux
  }
}

export function rssSampler(services: ServiceProcess[], everyMs = 250) {
  const peakKb: Record<string, number> = {};
  const sample = () => {
    for (const s of services) {
      const pid = s.child?.pid;
      if (!pid || s.child?.exitCode !== null || s.child?.signalCode !== null) continue;
      const kb = statusKb(pid, 'VmHWM') ?? statusKb(pid, 'VmRSS');
      if (kb !== null) peakKb[s.name] = Math.max(peakKb[s.name] ?? 0, kb);
    }
  };
  const timer = setInterval(sample, everyMs);
  sample();
  return {
    /** Samples once more and stops; the peak per service in MB (null where /proc was not readable). */
    stop(): Record<string, number | null> {
      sample();
      clearInterval(timer);
      return Object.fromEntries(services.map((s) => [s.name, peakKb[s.name] === undefined ? null : peakKb[s.name] / 1024]));
    },
  };
}

/** What a service's own /metrics says about its memory (prom-client default metrics), in MB. */
export async function memoryOf(services: ServiceProcess[]): Promise<Record<string, Record<string, number> | null>> {
  const gauges = { rss: 'process_resident_memory_bytes', heapTotal: 'nodejs_heap_size_total_bytes', heapUsed: 'nodejs_heap_size_used_bytes', external: 'nodejs_external_memory_bytes' };
  const out: Record<string, Record<string, number> | null> = {};
  for (const s of services) {
    try {
      const text = await (await fetch(`${s.url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
      out[s.name] = Object.fromEntries(Object.entries(gauges).map(([k, metric]) =>
        [k, Number(new RegExp(`^${metric}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20]));
    } catch {
      out[s.name] = null;
    }
  }
  return out;
}
