// Summarises V8 .cpuprofile files (from cpu-profiler.mjs, or node --cpu-prof): self time per function and per package.
// Usage: tsx bench/cpu-profile.ts <file-or-dir>...   (run.ts uses it with BENCH_CPU_PROF=1)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** The sampling interval cpu-profiler.mjs sets. */
export const SAMPLING_US = 1_000;

export interface Share { name: string; ms: number; percent: number; percentWithoutWrites: number | null }

/**
 * Node's socket-write bindings. V8 also charges them with time the thread spent off the CPU
 * (a plain pg query loop shows ~85 % "writev" at 17 µs of CPU per query), so the shares are also
 * given without them.
 */
const SOCKET_WRITE = /^write(v|Buffer|Latin1String|Utf8String|AsciiString|Ucs2String)$/;
const SOCKET_WRITES = '(native socket writes)';

/** Where a script belongs: a package in node_modules, our own source, or node itself. */
function owner(url: string, functionName: string): string {
  if (!url && SOCKET_WRITE.test(functionName)) return SOCKET_WRITES;
  if (!url) return functionName.startsWith('(') ? functionName : '(native, other)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node (built-in)';
  const ours = /\/(service-platform|catalog-service|account-service|order-service|bench|test-support)\//.exec(url);
  return ours ? `${ours[1]} (ours)` : url;
}

const label = ({ functionName, url, lineNumber }: ProfileNode['callFrame']) => {
  const where = url ? `${url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(?=[a-z-]+\/src\/)/, '')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};

export function summarise(files: string[], top = 15) {
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  /** For each function: the self time by the chain of its callers (3 frames up). */
  const callers = new Map<string, Map<string, number>>();
  let totalMs = 0;
  let writeMs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    profile.samples.forEach((id, i) => {
      // A sample after the thread was off the CPU (preempted: 2 busy cores) carries the whole
      // wait; capped at two sampling intervals, the self times approximate CPU time.
      const ms = Math.min(profile.timeDeltas[i] ?? 0, 2 * SAMPLING_US) / 1000;
      const { callFrame } = nodes.get(id)!;
      if (callFrame.functionName === '(idle)') return; // waiting for I/O is not CPU time
      totalMs += ms;
      if (SOCKET_WRITE.test(callFrame.functionName) && !callFrame.url) writeMs += ms;
      const fn = label(callFrame);
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
      const o = owner(callFrame.url, callFrame.functionName);
      byOwner.set(o, (byOwner.get(o) ?? 0) + ms);
      const chain: string[] = [];
      for (let p = parent.get(id); p !== undefined && chain.length < 3; p = parent.get(p)) chain.push(label(nodes.get(p)!.callFrame));
      const byChain = callers.get(fn) ?? new Map<string, number>();
      byChain.set(chain.join(' ← '), (byChain.get(chain.join(' ← ')) ?? 0) + ms);
      callers.set(fn, byChain);
    });
  }
  const shares = (m: Map<string, number>, n = top): Share[] => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, ms]) => ({ name, ms, percent: (100 * ms) / totalMs, percentWithoutWrites: SOCKET_WRITE.test(name) || name === SOCKET_WRITES ? null : (100 * ms) / (totalMs - writeMs) }));
  const functions = shares(byFunction);
  const topCallers = functions.slice(0, 3).map((f) => ({ fn: f.name, chains: shares(callers.get(f.name)!, 3) }));
  return { totalMs, writeMs, functions, owners: shares(byOwner), topCallers };
}

export function profileFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(target, f));
}

export function summaryMarkdown(title: string, files: string[]): string {
  const s = summarise(files);
  const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);
  const table = (rows: Share[]) => rows.map((r) => `| ${r.name.replace(/\|/g, '\\|')} | ${r.ms.toFixed(0)} | ${pct(r.percent)} | ${pct(r.percentWithoutWrites)} |`).join('\n');
  const head = (what: string) => [`| ${what} | ms | share | share without socket writes |`, '|---|---|---|---|'];
  return [
    `### ${title}: ${(s.totalMs / 1000).toFixed(1)} s of samples (idle excluded, each capped at 2 ms), ${(s.writeMs / 1000).toFixed(1)} s of them in socket writes; ${files.length} profile(s)`,
    '', ...head('by package (self time)'), table(s.owners),
    '', ...head('top functions (self time)'), table(s.functions),
    '', 'Callers of the top three (self time of the function under each chain, 3 frames up):', '',
    ...s.topCallers.flatMap((c) => [`- \`${c.fn}\``, ...c.chains.map((ch) => `  - ${ch.ms.toFixed(0)} ms ← ${ch.name}`)]), '',
  ].join('\n');
}

if (require.main === module) {
  const targets = process.argv.slice(2);
  if (targets.length === 0) {
    console.error('usage: tsx bench/cpu-profile.ts <file-or-dir>...');
    process.exit(2);
  }
  for (const t of targets) process.stdout.write(`${summaryMarkdown(t, profileFiles(t))}\n`);
}
