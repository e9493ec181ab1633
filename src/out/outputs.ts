/**
 * The run's outputs, opened from `--out` specs: `add` hands each point to every one (cheap, never
 * throws), `close` flushes them and says what each delivered and dropped.
 */
import { describeSpec, type OutSpec } from './spec.js';
import { JsonOutput } from './json.js';
import { encodeOtlp, otlpEndpoint } from './otlp.js';
import type { OutPoint, Output, OutSummary } from './point.js';
import { encodeRemoteWrite } from './prometheus.js';
import { PushOutput } from './push.js';

export class Outputs {
  private constructor(private readonly outputs: Output[]) {}

  /** `version`: chaos-gate's, for OTLP's scope. */
  static open(specs: readonly OutSpec[], version: string, runStart = Date.now()): Outputs {
    return new Outputs(
      specs.map((spec) => {
        if (spec.kind === 'json') return new JsonOutput(spec.file);
        if (spec.kind === 'prometheus') return new PushOutput('prometheus', spec.url, encodeRemoteWrite);
        return new PushOutput('otlp', otlpEndpoint(spec.url), encodeOtlp(version, runStart));
      }),
    );
  }

  add(point: OutPoint): void {
    for (const output of this.outputs) output.add(point);
  }

  async close(): Promise<OutSummary[]> {
    return Promise.all(this.outputs.map((o) => o.close()));
  }
}

export { describeSpec };
