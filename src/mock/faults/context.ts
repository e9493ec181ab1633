/** What a connection fault gets to work with; its own module so the faults and their index do not import each other. */
import type { Socket } from 'node:net';
import type { Random } from '../../random.js';

export interface FaultContext {
  socket: Socket;
  /** The status the response would have had (the malformed fault sends its status line). */
  status: number;
  random: Random;
}

export type Fault = (context: FaultContext) => void;
