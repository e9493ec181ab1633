/**
 * Connection faults: instead of an HTTP answer, the mock does something to the socket.
 *
 *   client ──request──► mock ──► fault(socket): RST | close | garbage | silence
 */
import type { Fault } from './context.js';
import { empty } from './empty.js';
import { hang } from './hang.js';
import { malformed } from './malformed.js';
import { randomThenClose } from './random-then-close.js';
import { reset } from './reset.js';

/** Every fault by the name users write (`fault: reset`). */
export const FAULTS = {
  reset,
  empty,
  malformed,
  random_then_close: randomThenClose,
  hang,
} satisfies Record<string, Fault>;

export type FaultName = keyof typeof FAULTS;

export const FAULT_NAMES = Object.keys(FAULTS) as [FaultName, ...FaultName[]];

/** Whether a fault still sends a status line (for the journal's `status`). */
export function faultSendsStatus(name: FaultName): boolean {
  return name === 'malformed';
}
