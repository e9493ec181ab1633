/**
 * One toxic of a proxy: its definition (shared by all connections) and the random source that
 * rolls its toxicity per connection. Each connection it hits gets its own stage.
 */
import { randomInt } from 'node:crypto';
import { Random } from '../random.js';
import type { ToxicDefinition } from './schema.js';
import type { ToxicStage, ToxicStageContext } from './toxic-stage.js';
import { toxicKind } from './toxics/index.js';

export class Toxic {
  private readonly random: Random;

  constructor(readonly definition: ToxicDefinition) {
    this.random = new Random(definition.seed ?? randomInt(2 ** 32));
  }

  get name(): string {
    return this.definition.name;
  }

  get stream(): ToxicDefinition['stream'] {
    return this.definition.stream;
  }

  /** Rolls toxicity for one connection: a stage when the connection is hit, undefined when spared. */
  createStage(ctx: Omit<ToxicStageContext, 'random'>): ToxicStage | undefined {
    const { type, toxicity, attributes } = this.definition;
    if (this.random.next() >= toxicity) return undefined;
    return toxicKind(type).create(attributes, { ...ctx, random: this.random.fork() });
  }

  /** Toxiproxy's JSON: name, type, stream, toxicity, attributes (and our seed when set). */
  toJSON(): ToxicDefinition {
    return this.definition;
  }
}
