/**
 * Flows on the generator's connections: which flow an iteration runs (weighted, exact rather than
 * random), its numbers (seq, virtual user, that user's iteration), and each request's bytes,
 * built once for a step with nothing templated, per request otherwise.
 */
import { compileFlow, type CompiledFlow, type FlowConfig } from '../flow/compile.js';
import { StepsIteration, iterationScope, type FlowHost, type FlowRequest, type Iteration } from '../flow/iteration.js';
import { loadModuleFlow, ModuleIteration, type ModuleFlow } from '../flow/module.js';
import type { Origin } from './http-connection.js';
import { requestBytes, TargetPicker, type Origins } from './target.js';

type Runnable = { kind: 'steps'; flow: CompiledFlow; weight: number } | { kind: 'module'; flow: ModuleFlow; weight: number };

/** Compiles YAML flows and imports module flows; throws an Error naming a module that cannot be used. */
export async function prepareFlows(configs: readonly FlowConfig[]): Promise<Runnable[]> {
  return Promise.all(
    configs.map(async (config): Promise<Runnable> => {
      if (config.kind === 'module') return { kind: 'module', flow: await loadModuleFlow(config), weight: config.weight };
      return { kind: 'steps', flow: compileFlow(config), weight: config.weight };
    }),
  );
}

export class FlowWorkload {
  private readonly picker: TargetPicker<Runnable>;
  private seq = 0;
  /** Each virtual user's iterations so far. */
  private readonly iterations = new Map<number, number>();
  /** Open model: virtual-user numbers free for the next iteration, lowest first (k6's VU pool). */
  private readonly freeSlots: number[] = [];
  private slots = 0;
  private readonly fixedBytes = new Map<object, Buffer>();
  private readonly originsByText = new Map<string, { origin: Origin; host: string }>();

  constructor(
    flows: Runnable[],
    private readonly origins: Origins,
    private readonly keepAlive: boolean,
  ) {
    this.picker = new TargetPicker(flows);
    // Known before the run, so the probe can try them.
    for (const runnable of flows) if (runnable.kind === 'steps') for (const step of runnable.flow.steps) this.originOf(step.origin);
  }

  /** The origins of YAML steps (module flows name theirs only as they run). */
  knownOrigins(): [Origin, string][] {
    return [...this.originsByText.entries()].map(([text, { origin }]) => [origin, text]);
  }

  /** A new iteration: `loop` is the closed model's connection loop (its virtual user), -1 in the open model. */
  begin(loop: number, host: FlowHost): Iteration {
    const vu = loop >= 0 ? loop : (this.freeSlots.pop() ?? this.slots++);
    const iteration = this.iterations.get(vu) ?? 0;
    this.iterations.set(vu, iteration + 1);
    const seq = this.seq++;
    const runnable = this.picker.next();
    if (runnable.kind === 'module') return new ModuleIteration(runnable.flow, seq, vu, iteration, host);
    return new StepsIteration(runnable.flow, iterationScope(runnable.flow, seq, vu, iteration), host);
  }

  /** The iteration of an open-model virtual user ended: its number is free again. */
  release(vu: number): void {
    this.freeSlots.push(vu);
    // Lowest first, so numbers stay small and dense.
    if (this.freeSlots.length > 1 && this.freeSlots[this.freeSlots.length - 1] > this.freeSlots[this.freeSlots.length - 2])
      this.freeSlots.sort((a, b) => b - a);
  }

  originOf(text: string): { origin: Origin; host: string } {
    let entry = this.originsByText.get(text);
    if (!entry) {
      const url = new URL(text);
      entry = { origin: this.origins.get(url), host: url.host };
      this.originsByText.set(text, entry);
    }
    return entry;
  }

  bytes(request: FlowRequest, host: string): Buffer {
    const cacheable = request.step?.fixed === true;
    const cached = cacheable ? this.fixedBytes.get(request.step!) : undefined;
    if (cached) return cached;
    const bytes = requestBytes(request.method, request.path, host, request.headers, request.body, this.keepAlive);
    if (cacheable) this.fixedBytes.set(request.step!, bytes);
    return bytes;
  }
}
