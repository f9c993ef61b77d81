// A port that cannot be listened on, said in words before anything else starts: which port, which
// variable moves it, and which process holds it (read from /proc on Linux, where permitted).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';

export interface PortHolder { pid: number; command: string }

/** Why `port` cannot be listened on at `host` (an errno code such as EADDRINUSE), or undefined when it can. */
export function portRefusal(port: number, host: string): Promise<string | undefined> {
  if (port === 0) return Promise.resolve(undefined); // any free port: nothing to check
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

/** The socket inodes listening on `port`, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1]?.split(':').at(-1);
      if (local && parseInt(local, 16) === port && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  return inodes;
}

function commandOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '?';
  }
}

/** The processes holding a listening socket on `port`; empty where /proc cannot tell (another OS, another user's process). */
export function portHolders(port: number): PortHolder[] {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  const holders: PortHolder[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    const holds = fds.some((fd) => {
      try {
        return inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '');
      } catch {
        return false;
      }
    });
    if (holds) holders.push({ pid: Number(pid), command: commandOf(pid) });
  }
  return holders;
}

const shorten = (command: string) => (command.length > 160 ? `${command.slice(0, 157)}...` : command);

/**
 * The sentence for a port that cannot be listened on. `variable` is what moves it (PORT for a
 * service alone, CATALOG_PORT etc. for `npm start`); `suggestion` a port to offer instead.
 */
export function portRefusalMessage(o: { who: string; port: number; host: string; code: string; variable: string; suggestion?: number }): string {
  const move = `set ${o.variable} to another port${o.suggestion ? ` (for example ${o.variable}=${o.suggestion})` : ''}`;
  if (o.code === 'EACCES') return `${o.who} cannot listen on port ${o.port} (${o.variable}=${o.port}): ports below 1024 need privileges; ${move}.`;
  if (o.code === 'EADDRNOTAVAIL') return `${o.who} cannot listen on ${o.host}:${o.port}: ${o.host} is not an address of this machine (HOST=${o.host}); set HOST, or unset it to listen on every address.`;
  if (o.code !== 'EADDRINUSE') return `${o.who} cannot listen on ${o.host}:${o.port} (${o.variable}=${o.port}): ${o.code}.`;
  const holders = portHolders(o.port);
  const held = holders.length > 0
    ? `it is held by ${holders.map((h) => `pid ${h.pid} (${shorten(h.command)})`).join(', ')}`
    : `could not tell which process holds it (it may belong to another user: \`ss -ltnp 'sport = :${o.port}'\` or \`lsof -i :${o.port}\` as root names it)`;
  return `${o.who} cannot start: port ${o.port} (${o.variable}=${o.port}) is already in use; ${held}. Stop that process, or ${move}.`;
}

/** The first port after `port` that can be listened on (of the next 50), to suggest instead. */
export async function nextFreePort(port: number, host: string): Promise<number | undefined> {
  for (let p = port + 1; p <= Math.min(port + 50, 65535); p++) if ((await portRefusal(p, host)) === undefined) return p;
  return undefined;
}
