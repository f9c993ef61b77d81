import os from 'node:os';

/** Which process answered: behind a proxy, successive polls may reach different replicas. */
export interface Replica {
  /** `hostname:pid`: the container's hostname in compose or Kubernetes (its pod name). */
  id: string;
  hostname: string;
  startedAt: string;
}

export function thisReplica(): Replica {
  const hostname = os.hostname();
  return { id: `${hostname}:${process.pid}`, hostname, startedAt: new Date().toISOString() };
}
