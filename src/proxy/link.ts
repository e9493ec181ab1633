/**
 * One direction of one connection: the toxic stages between a source and a destination socket.
 *
 *   source ──data/end──► head ─► [stage] ─► [stage] ─► sink ──write/end──► destination
 *          ◄──pause/resume── destination full, a stall, a stage holding too much
 *
 * With no stage the head is the sink, so chunks go straight to the destination as in a plain
 * pipe. Stages are appended at the end of the chain (as in Toxiproxy). Removing or replacing
 * one first flushes what it holds into the next receiver, synchronously, so no byte is lost or
 * reordered; an end-of-stream (half-close) travels the same path as the bytes before it.
 */
import type { Socket } from 'node:net';
import type { ToxicStage } from './toxic-stage.js';
import type { Toxic } from './toxic.js';

interface Receiver {
  write(chunk: Buffer): void;
  end(): void;
}

/** What a stage may do to the whole connection. */
export interface ConnectionControl {
  close(): void;
  reset(): void;
}

/** A stage in its place in the chain; `next` changes as neighbours come and go. */
interface Slot extends Receiver {
  toxic: Toxic;
  stage: ToxicStage;
  next: Receiver;
}

const DISCARD: Receiver = { write() {}, end() {} };

export class Link {
  private head: Receiver;
  private readonly sink: Receiver;
  private slots: Slot[] = [];
  /** Who wants the source paused: the sink (destination full) or a stage. */
  private readonly pauses = new Set<object>();
  private sinkEnded = false;
  private closed = false;

  constructor(
    private readonly source: Socket,
    private readonly destination: Socket,
    private readonly control: ConnectionControl,
    toxics: Toxic[],
  ) {
    this.sink = { write: (chunk) => this.toDestination(chunk), end: () => this.endDestination() };
    this.head = this.sink;
    for (const toxic of toxics) this.add(toxic);
    source.on('data', (chunk: Buffer) => this.head.write(chunk));
    source.on('end', () => this.head.end());
    destination.on('drain', () => this.resumeFor(this.sink));
    if (this.pauses.size === 0) source.resume();
  }

  /** Appends a toxic to the chain, when its toxicity roll hits this connection. */
  add(toxic: Toxic): void {
    if (this.closed || this.sinkEnded) return;
    const slot = { toxic, next: this.sink } as Slot;
    slot.write = (chunk) => slot.stage.write(chunk);
    slot.end = () => slot.stage.end();
    const stage = this.createStage(slot);
    if (!stage) return;
    slot.stage = stage;
    this.link(this.slots.length, slot);
    this.slots.push(slot);
  }

  /** Takes a toxic out of the chain after flushing what it holds. */
  remove(name: string): void {
    const index = this.slots.findIndex((s) => s.toxic.name === name);
    if (index < 0) return;
    const slot = this.slots[index];
    slot.stage.flush();
    if (this.closed) return; // flushing closed the connection (a timeout that lost bytes)
    this.slots.splice(index, 1);
    this.link(index, slot.next);
    slot.stage.destroy();
    this.resumeFor(slot);
  }

  /** Swaps a toxic for its updated version in place; what the old one held is flushed on first. */
  replace(toxic: Toxic): void {
    const slot = this.slots.find((s) => s.toxic.name === toxic.name);
    if (!slot) return this.add(toxic);
    // The same toxic with new attributes: a stage that can take them keeps what it holds (a ramp
    // updating latency every 100 ms must not release the held answers early each time).
    const old = slot.toxic.definition;
    if (slot.stage.update && old.type === toxic.definition.type && old.toxicity === toxic.definition.toxicity && old.seed === toxic.definition.seed) {
      slot.toxic = toxic;
      slot.stage.update(toxic.definition.attributes);
      return;
    }
    slot.stage.flush();
    if (this.closed) return;
    slot.stage.destroy();
    this.resumeFor(slot);
    slot.toxic = toxic;
    const stage = this.createStage(slot);
    if (stage) {
      slot.stage = stage;
      return;
    }
    const index = this.slots.indexOf(slot);
    this.slots.splice(index, 1);
    this.link(index, slot.next);
  }

  /** The connection is gone: stages drop what they hold; later reads are discarded. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.head = DISCARD;
    for (const slot of this.slots) slot.stage.destroy();
    this.slots = [];
  }

  private createStage(slot: Slot): ToxicStage | undefined {
    return slot.toxic.createStage({
      push: (chunk) => slot.next.write(chunk),
      end: () => slot.next.end(),
      pause: () => this.pauseFor(slot),
      resume: () => this.resumeFor(slot),
      close: () => this.control.close(),
      reset: () => this.control.reset(),
    });
  }

  /** Points whatever precedes position `index` (a slot or the head) at `receiver`. */
  private link(index: number, receiver: Receiver): void {
    if (index === 0) this.head = receiver;
    else this.slots[index - 1].next = receiver;
  }

  private toDestination(chunk: Buffer): void {
    if (this.closed || this.sinkEnded || this.destination.destroyed) return;
    if (!this.destination.write(chunk)) this.pauseFor(this.sink);
  }

  private endDestination(): void {
    if (this.closed || this.sinkEnded) return;
    this.sinkEnded = true;
    this.destination.end();
  }

  private pauseFor(owner: object): void {
    if (this.closed || this.pauses.has(owner)) return;
    this.pauses.add(owner);
    if (this.pauses.size === 1) this.source.pause();
  }

  private resumeFor(owner: object): void {
    if (!this.pauses.delete(owner)) return;
    if (this.pauses.size === 0 && !this.closed) this.source.resume();
  }
}
