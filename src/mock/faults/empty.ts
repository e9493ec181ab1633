/** `empty`: the connection is closed with no response, as WireMock's EMPTY_RESPONSE. curl exits 52. */
import type { FaultContext } from './context.js';

export function empty({ socket }: FaultContext): void {
  socket.end();
}
