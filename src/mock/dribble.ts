/**
 * A body dribbled out: headers at once, then the body in `chunks` slices spread evenly so the
 * last one lands `duration` after the first, as WireMock's chunkedDribbleDelay. A slow
 * upstream whose first byte is quick and whose body is not.
 */
import type { ServerResponse } from 'node:http';

export interface Dribble {
  /** 2 or more. */
  chunks: number;
  /** Milliseconds from the first slice to the last. */
  durationMs: number;
}

/** Writes status, headers and the body in slices; stops when the client goes away. */
export function dribble(res: ServerResponse, status: number, head: string[], body: Buffer, { chunks, durationMs }: Dribble): void {
  res.writeHead(status, head);
  res.flushHeaders();
  const size = Math.ceil(body.length / chunks);
  const interval = durationMs / (chunks - 1);
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const step = () => {
    const slice = body.subarray(sent * size, (sent + 1) * size);
    sent++;
    if (sent === chunks) {
      res.end(slice);
      return;
    }
    res.write(slice);
    timer = setTimeout(step, interval);
  };
  res.once('close', () => clearTimeout(timer));
  step();
}
