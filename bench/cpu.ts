// Where the CPU goes during a phase: each service process, our PostgreSQL's processes and this
// process (the load generator), split into user and kernel time, from /proc (Linux; zeros
// elsewhere); and the machine as a whole, so that load from other processes shows.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100 on Linux

interface Times { user: number; system: number }

/** `children`: the CPU of its children that have exited and been waited for (cutime + cstime). */
function stat(pid: number): { ppid: number; comm: string; user: number; system: number; children: number } | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const comm = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
    return {
      ppid: Number(fields[1]), comm, user: Number(fields[11]) * TICK_MS, system: Number(fields[12]) * TICK_MS,
      children: (Number(fields[13]) + Number(fields[14])) * TICK_MS,
    };
  } catch {
    return null; // gone, or not Linux
  }
}

/**
 * The embedded PostgreSQL's postmaster (a child of this process) and its children; none for an external
 * server. A backend that exits (a pool closing an idle connection) takes its CPU out of the sum of the
 * live ones: the postmaster's waited-for children's time keeps it in (counted as user time, the split
 * being unknown), so that a phase during which backends come and go is not undercounted.
 */
function ourPostgres(): Times {
  const all: Array<{ pid: number } & NonNullable<ReturnType<typeof stat>>> = [];
  try {
    for (const d of readdirSync('/proc')) if (/^\d+$/.test(d)) {
      const s = stat(Number(d));
      if (s) all.push({ pid: Number(d), ...s });
    }
  } catch {
    return { user: 0, system: 0 };
  }
  const postmasters = all.filter((p) => p.comm === 'postgres' && p.ppid === process.pid);
  const ids = new Set(postmasters.map((p) => p.pid));
  const exited = postmasters.reduce((t, p) => t + p.children, 0);
  return all.filter((p) => ids.has(p.pid) || ids.has(p.ppid))
    .reduce((t, p) => ({ user: t.user + p.user, system: t.system + p.system }), { user: exited, system: 0 });
}

function machine(): { busy: number; all: number } {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy * TICK_MS, all: (busy + idle + iowait) * TICK_MS };
  } catch {
    return { busy: 0, all: 0 };
  }
}

export interface CpuSnapshot { byProcess: Record<string, Times>; machine: { busy: number; all: number } }

/** `pids`: the services by name; our postgres and the load generator (this process) are added. */
export function cpuSnapshot(pids: Record<string, number | undefined>): CpuSnapshot {
  const byProcess: Record<string, Times> = {};
  for (const [name, pid] of Object.entries(pids)) {
    const s = pid ? stat(pid) : null;
    byProcess[name] = { user: s?.user ?? 0, system: s?.system ?? 0 };
  }
  byProcess.postgres = ourPostgres();
  const own = process.cpuUsage();
  byProcess['load generator'] = { user: own.user / 1000, system: own.system / 1000 };
  return { byProcess, machine: machine() };
}

/** CPU ms per order for each process (and the kernel's part of it), how busy the machine was, and how much of it was not us. */
export function cpuPerOrder(from: CpuSnapshot, to: CpuSnapshot, orders: number) {
  const per = (ms: number) => ms / Math.max(1, orders);
  const perOrderMs: Record<string, number> = {};
  const kernelPerOrderMs: Record<string, number> = {};
  let ours = 0;
  for (const [name, t] of Object.entries(to.byProcess)) {
    const user = t.user - (from.byProcess[name]?.user ?? 0);
    const system = t.system - (from.byProcess[name]?.system ?? 0);
    perOrderMs[name] = per(user + system);
    kernelPerOrderMs[name] = per(system);
    ours += user + system;
  }
  const busy = to.machine.busy - from.machine.busy;
  const all = to.machine.all - from.machine.all;
  return {
    perOrderMs, kernelPerOrderMs, totalPerOrderMs: per(ours),
    machineBusyPercent: all > 0 ? (100 * busy) / all : null,
    /** Busy time of processes that are not part of this benchmark (another job on the machine). */
    othersPercent: all > 0 ? Math.max(0, (100 * (busy - ours)) / all) : null,
  };
}

/** Waits (up to `maxMs`) for a second in which the machine is less than `percent` busy; returns how busy it was. */
export async function quietMachine(percent: number, maxMs: number): Promise<number | null> {
  const until = Date.now() + maxMs;
  let last: number | null = null;
  do {
    const a = machine();
    await new Promise((r) => setTimeout(r, 1_000));
    const b = machine();
    last = b.all > a.all ? (100 * (b.busy - a.busy)) / (b.all - a.all) : null;
    if (last === null || last < percent) return last;
  } while (Date.now() < until);
  return last;
}

const IDLE_PERCENT = 5; // of one core, the system's three services together
const IDLE_MAX_MS = 20_000;

/**
 * Waits (up to 20 s) until a system's three services are idle: the aftermath of a step (the requests
 * a closed-loop load generator abandoned when it stopped, recovery of orders in flight, a restarted
 * Catalog) would otherwise land on the next measurement. Returns how long it waited.
 */
export async function systemIdle(system: { all: Array<{ name: string; child?: { pid?: number } | null }> }): Promise<number> {
  const pids = Object.fromEntries(system.all.map((s) => [s.name, s.child?.pid]));
  const busyMs = () => {
    const { byProcess } = cpuSnapshot(pids);
    return system.all.reduce((t, s) => t + byProcess[s.name].user + byProcess[s.name].system, 0);
  };
  const started = Date.now();
  while (Date.now() - started < IDLE_MAX_MS) {
    const before = busyMs();
    await new Promise((r) => setTimeout(r, 500));
    if ((100 * (busyMs() - before)) / 500 < IDLE_PERCENT) break;
  }
  return Date.now() - started;
}
