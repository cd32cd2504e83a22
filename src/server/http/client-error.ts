/**
 * Requests so malformed that they never reach the app (a header block over Node's 16 KiB limit, an
 * invalid request line) are answered by Node itself with a bare status line. This answers them with
 * the protocol's JSON error body instead, so that every client error looks the same.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from './errors.js';

interface ParserError extends Error {
  code?: string;
}

export function answerClientErrorsWithJson(server: Server): void {
  server.on('clientError', (error: ParserError, socket: Duplex) => {
    // A client that hung up or timed out has nobody left to read an answer.
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const body = JSON.stringify(
      tooLarge ? errorBody('payload-too-large', 'The request line and headers are too large.') : errorBody('bad-request', 'Malformed HTTP request.'),
    );
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
