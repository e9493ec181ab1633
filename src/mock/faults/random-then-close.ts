/** `random_then_close`: seeded garbage instead of HTTP, then close; as WireMock's RANDOM_DATA_THEN_CLOSE. */
import type { FaultContext } from './context.js';

const GARBAGE_BYTES = 64;

export function randomThenClose({ socket, random }: FaultContext): void {
  socket.end(random.bytes(GARBAGE_BYTES));
}
