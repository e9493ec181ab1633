/**
 * One shard of a run split across a GitHub Actions matrix (`--shard 2/4`): experiments are dealt
 * out round-robin, the load stage's rate (or connections) is divided, and stage commands see
 * CHAOS_GATE_SHARD=2/4 so test runners split their files (`vitest --shard=$CHAOS_GATE_SHARD`).
 */
import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || index < 1 || index > total) {
    throw new UsageError(`expected I/N with 1 ≤ I ≤ N, e.g. 2/4, got "${text}"`);
  }
  return { index, total };
}

/** This shard's share of the config. */
export function shardConfig(config: Config, shard: Shard): Config {
  const stages = { ...config.stages };
  if (stages.load) {
    stages.load = {
      ...stages.load,
      ...(stages.load.rate !== undefined ? { rate: stages.load.rate / shard.total } : {}),
      ...(stages.load.connections !== undefined ? { connections: Math.max(1, Math.round(stages.load.connections / shard.total)) } : {}),
      // A ramp's targets are divided the same way: requests per second exactly, connections rounded.
      ...(stages.load.stages !== undefined
        ? {
            stages: stages.load.stages.map((stage) => ({
              ...stage,
              target:
                stages.load!.rate !== undefined ? stage.target / shard.total : stage.target === 0 ? 0 : Math.max(1, Math.round(stage.target / shard.total)),
            })),
          }
        : {}),
    };
  }
  if (stages.chaos?.experiments) {
    stages.chaos = { ...stages.chaos, experiments: stages.chaos.experiments.filter((_, i) => i % shard.total === shard.index - 1) };
  }
  return { ...config, stages };
}
