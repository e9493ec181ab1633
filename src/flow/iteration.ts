/**
 * One iteration of a flow, walked step by step for the load generator (the host):
 *
 *   start ──► host.send(request 1) ··· answered(response) ──► checks, captures ──► think ──► host.send(request 2) ··· ──► host.end
 *
 * A step whose request failed (timeout, reset) or whose capture found nothing ends the iteration:
 * later steps would send empty ids. A module flow is the same walk, driven by the module's
 * `async function* flow(ctx)`: each `yield` is a request, and what it evaluates to is the answer.
 */
import { Random } from '../random.js';
import type { CheckExample } from '../results/types.js';
import type { CompiledFlow, CompiledStep, FlowResponse } from './compile.js';
import type { Scope } from './template.js';

/** A request as the host sends it. `step` is set for a YAML flow (its bytes can be cached when fixed). */
export interface FlowRequest {
  /** The `name` tag. */
  name: string;
  method: string;
  /** For a YAML step: the step. */
  step?: CompiledStep;
  /** 1-based step number, for the `step` tag. */
  number: number;
  /** A full URL (module flows), or the origin plus path and query. */
  origin: string;
  path: string;
  headers: [string, string][];
  body?: string;
  /** Keep the answer's headers and body. */
  collect: boolean;
  timeoutMs?: number;
}

/** What the load generator does for an iteration. */
export interface FlowHost {
  send(iteration: Iteration, request: FlowRequest): void;
  /** The iteration is over (`failed`: it stopped before its last step). */
  end(iteration: Iteration, failed: boolean): void;
  /** Runs `fn` after `ms`, unless the load has ended by then. */
  after(ms: number, fn: () => void): void;
  check(name: string, ok: boolean, example: (() => CheckExample) | undefined): void;
  /** A module flow threw: counted, and its first message logged. */
  error(iteration: Iteration, message: string): void;
}

/** The answer to a request: a response, or the failure class of a request that got none. */
export type Answer = { response: FlowResponse; latencyMs: number } | { error: string; latencyMs: number };

export interface Iteration {
  readonly flow: string;
  readonly vu: number;
  readonly started: number;
  /** When its first request was due (the open model's arrival), for latency without coordinated omission; the host takes it once. */
  firstDue?: number;
  start(): void;
  answered(answer: Answer): void;
}

const EXAMPLE_BYTES = 512;

export function example(step: string, answer: Answer): CheckExample {
  if ('error' in answer) return { step, status: answer.error, body: '' };
  const { response } = answer;
  const body = response.body.subarray(0, EXAMPLE_BYTES).toString();
  return { step, status: response.status, body: response.body.length > EXAMPLE_BYTES || response.truncated ? `${body}…` : body };
}

/** The variables and numbers of iteration `seq` of a flow: its data row, and a random source derived from the seed and `seq`. */
export function iterationScope(flow: { seed: number; data?: CompiledFlow['data'] }, seq: number, vu: number, iteration: number): Scope {
  const random = Random.derive(flow.seed, seq);
  const vars = new Map<string, unknown>();
  if (flow.data) {
    const { rows, order } = flow.data;
    const row = rows[order === 'sequential' ? seq % rows.length : Math.floor(random.next() * rows.length)];
    for (const key in row) vars.set(key, row[key]);
  }
  return { vars, seq, vu, iteration, random };
}

export class StepsIteration implements Iteration {
  private at = 0;
  readonly started = performance.now();
  firstDue?: number;

  constructor(
    private readonly compiled: CompiledFlow,
    private readonly scope: Scope,
    private readonly host: FlowHost,
  ) {}

  get flow(): string {
    return this.compiled.name;
  }
  get vu(): number {
    return this.scope.vu;
  }

  start(): void {
    this.host.send(this, this.request(this.compiled.steps[0]));
  }

  answered(answer: Answer): void {
    const step = this.compiled.steps[this.at];
    if ('error' in answer) {
      // No answer to check or capture from: the checks fail, and later steps cannot run.
      for (const check of step.checks) this.host.check(check.name, false, () => example(step.name, answer));
      this.host.end(this, true);
      return;
    }
    const { response } = answer;
    for (const check of step.checks) {
      const ok = check.test(response, this.scope);
      this.host.check(check.name, ok, ok ? undefined : () => example(step.name, answer));
    }
    for (const capture of step.captures) {
      const value = capture.read(response);
      this.host.check(capture.check, value !== undefined, value === undefined ? () => example(step.name, answer) : undefined);
      if (value === undefined) {
        this.host.end(this, true);
        return;
      }
      this.scope.vars.set(capture.variable, value);
    }
    this.at += 1;
    if (this.at === this.compiled.steps.length) {
      this.host.end(this, false);
      return;
    }
    const next = this.compiled.steps[this.at];
    const think = step.think && step.think.min + (step.think.max - step.think.min) * this.scope.random.next();
    if (think) this.host.after(think, () => this.host.send(this, this.request(next)));
    else this.host.send(this, this.request(next));
  }

  private request(step: CompiledStep): FlowRequest {
    const { scope } = this;
    const headers = step.headers.map(([name, t]): [string, string] => [name, t.fixed ?? t.render(scope)]);
    if (step.jsonBody) headers.push(['content-type', 'application/json']);
    return {
      name: step.name,
      method: step.method,
      step,
      number: step.index + 1,
      origin: step.origin,
      path: step.path.fixed ?? step.path.render(scope),
      headers,
      body: step.body === undefined ? undefined : (step.body.fixed ?? step.body.render(scope)),
      collect: step.readsAnswer,
      timeoutMs: step.timeoutMs,
    };
  }
}
