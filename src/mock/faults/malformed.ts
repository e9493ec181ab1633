/**
 * `malformed`: a status line and chunked headers, then a chunk whose size is not hex, then
 * close; as WireMock's MALFORMED_RESPONSE_CHUNK. curl exits 56; fetch fails mid-body.
 */
import { STATUS_CODES } from 'node:http';
import type { FaultContext } from './context.js';

export function malformed({ socket, status }: FaultContext): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\ntransfer-encoding: chunked\r\n\r\nnot-a-chunk-size\r\n`);
}
