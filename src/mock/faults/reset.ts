/** `reset`: the connection is reset (TCP RST), as WireMock's CONNECTION_RESET_BY_PEER. curl exits 56. */
import type { FaultContext } from './context.js';

export function reset({ socket }: FaultContext): void {
  socket.resetAndDestroy();
}
