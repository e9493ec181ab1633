/**
 * Server-Sent Events as LLM APIs stream them: `event:`/`id:`/`data:` lines, one event every
 * `interval`, and optionally a cut after N events: the connection closes with the stream
 * unfinished (no last chunk), the partial response a client must survive.
 */
import type { ServerResponse } from 'node:http';
import type { SseDefinition } from './schema.js';

export class SseStream {
  private readonly events: Buffer[];
  private readonly intervalMs: number;
  private readonly cutAfter?: number;

  constructor(definition: SseDefinition) {
    this.events = definition.events.map(serialise);
    this.intervalMs = definition.interval;
    this.cutAfter = definition.cut_after;
  }

  /** Streams the events after the status and headers; stops when the client goes away. */
  stream(res: ServerResponse, status: number, head: string[]): void {
    res.writeHead(status, head);
    res.flushHeaders();
    const last = this.cutAfter ?? this.events.length;
    let next = 0;
    let timer: NodeJS.Timeout | undefined;
    const step = () => {
      while (next < last) {
        res.write(this.events[next++]);
        if (this.intervalMs > 0 && next < last) {
          timer = setTimeout(step, this.intervalMs);
          return;
        }
      }
      // end() on the socket, not the response: what was written arrives, the last chunk never does.
      if (this.cutAfter !== undefined) res.socket?.end();
      else res.end();
    };
    res.once('close', () => clearTimeout(timer));
    step();
  }
}

function serialise(event: SseDefinition['events'][number]): Buffer {
  const { event: name, id, data } = typeof event === 'string' ? { event: undefined, id: undefined, data: event } : event;
  let text = '';
  if (name !== undefined) text += `event: ${name}\n`;
  if (id !== undefined) text += `id: ${id}\n`;
  for (const line of (typeof data === 'string' ? data : JSON.stringify(data)).split('\n')) text += `data: ${line}\n`;
  return Buffer.from(`${text}\n`);
}
