// Sending over a raw socket, and reading through the API.
// Part of the property-based bad-input tests: see index.ts.
import net from 'node:net';
import type { HeaderValue } from './requests';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json?: unknown;
}

function parseAnswer(raw: Buffer): Answer | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = [];
    for (let at = 0; ;) {
      const eol = body.indexOf('\r\n', at);
      if (eol < 0) break;
      const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
      if (!size) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (headers['content-length'] !== undefined) {
    body = body.subarray(0, Number(headers['content-length']));
  }
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: Number(m[1]), headers, text, json };
}

/** Sends a request as it is, over a fresh TCP connection, and reads the answer. */
export function send(baseUrl: string, req: { method: string; path: string; headers: Record<string, HeaderValue>; body?: string }, timeoutMs = 10_000): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  for (const v of Object.values(req.headers).flat()) {
    if (/[\r\n\0]/.test(v)) throw new Error(`a header value cannot hold CR, LF or NUL: ${JSON.stringify(v)}`);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname);
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      const answer = parseAnswer(Buffer.concat(chunks));
      if (answer) resolve(answer);
      else reject(new Error(`no HTTP answer to ${req.method} ${req.path.slice(0, 100)}: ${err?.message ?? 'the connection closed'}`));
    };
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err) => finish(err));
    socket.on('connect', () => {
      const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
      const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close'];
      for (const [name, value] of Object.entries(req.headers)) for (const v of [value].flat()) lines.push(`${name}: ${v}`);
      if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
      socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body ?? Buffer.alloc(0)]));
    });
  });
}

/** GET a path and read JSON. */
export async function getJson(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const a = await send(baseUrl, { method: 'GET', path, headers });
  return { status: a.status, body: a.json ?? a.text };
}

/** Every item of a `{ items, nextCursor }` list, page after page. */
export async function listAll(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const res = await getJson(baseUrl, `${path}?limit=100${cursor ? `&cursor=${cursor}` : ''}`, headers);
    const body = res.body as { items: unknown[]; nextCursor: string | null };
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** The platform answers these on any route (unknown path, method, too large, not JSON). */
