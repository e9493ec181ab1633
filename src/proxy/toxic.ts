/**
 * One toxic of a proxy: its definition (shared by all connections) and the random source that
 * rolls its toxicity per connection (or per chunk, with `toxicity_mode: data`). Each connection
 * it hits gets its own stage. It counts its reach, so an experiment can tell a fault that acted
 * from one that touched nothing.
 */
import { randomInt } from 'node:crypto';
import { Random } from '../random.js';
import type { ToxicDefinition } from './schema.js';
import type { ToxicStage, ToxicStageContext } from './toxic-stage.js';
import { toxicKind } from './toxics/index.js';

/** What a toxic reached since it was added. */
export interface ToxicReach {
  /** Connections it was rolled for: open when it was added, or opened while it was in. */
  connections: number;
  /** Of those, the ones it acted on (per-chunk mode: at least one chunk hit). */
  touched: number;
  /** Bytes that went into it on those connections: held, slowed, dropped or passed on changed, by its type. */
  bytes: number;
}

export class Toxic {
  private readonly random: Random;
  readonly reach: ToxicReach = { connections: 0, touched: 0, bytes: 0 };

  constructor(readonly definition: ToxicDefinition) {
    this.random = new Random(definition.seed ?? randomInt(2 ** 32));
  }

  get name(): string {
    return this.definition.name;
  }

  get stream(): ToxicDefinition['stream'] {
    return this.definition.stream;
  }

  /**
   * Rolls toxicity for one connection: a stage when the connection is hit, undefined when spared.
   * Per-chunk mode gives every connection a stage that rolls each chunk and passes spared ones on.
   */
  createStage(ctx: Omit<ToxicStageContext, 'random'>): ToxicStage | undefined {
    const { type, toxicity, attributes, toxicity_mode } = this.definition;
    const reach = this.reach;
    reach.connections += 1;
    if (toxicity_mode === 'data') {
      // Its own rolls per connection, so the sequence replays whatever order other connections' data comes in.
      const rolls = this.random.fork();
      const stage = toxicKind(type).create(attributes, { ...ctx, random: this.random.fork() });
      let touched = false;
      return {
        write(chunk) {
          if (rolls.next() >= toxicity) return ctx.push(chunk);
          if (!touched) reach.touched += 1;
          touched = true;
          reach.bytes += chunk.length;
          stage.write(chunk);
        },
        end: () => stage.end(),
        flush: () => stage.flush(),
        destroy: () => stage.destroy(),
        ...(stage.update ? { update: (next: Record<string, number>) => stage.update!(next) } : {}),
      };
    }
    if (this.random.next() >= toxicity) return undefined;
    reach.touched += 1;
    const stage = toxicKind(type).create(attributes, { ...ctx, random: this.random.fork() });
    return {
      write(chunk) {
        reach.bytes += chunk.length;
        stage.write(chunk);
      },
      end: () => stage.end(),
      flush: () => stage.flush(),
      destroy: () => stage.destroy(),
      ...(stage.update ? { update: (next: Record<string, number>) => stage.update!(next) } : {}),
    };
  }

  /** Toxiproxy's JSON: name, type, stream, toxicity, attributes (and our seed when set). */
  toJSON(): ToxicDefinition {
    return this.definition;
  }
}
