import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Requests that never reach express (a head over Node's 16 KiB limit, garbage instead of HTTP)
 * still get a problem+json answer instead of Node's bare status line.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const [status, reason, code, detail] = tooLarge
      ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'The request head is larger than 16 KiB.']
      : [400, 'Bad Request', 'malformed_request', 'The request is not valid HTTP.'];
    const body = JSON.stringify({ type: `urn:problem-type:${code}`, title: reason, status, detail, code });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
