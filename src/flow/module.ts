/**
 * `flow: { module: ./load.mjs }`: a flow in JavaScript, for what YAML cannot say. The module
 * exports `async function* flow(ctx)`; each `yield { method, url, headers, json | body, name }` is
 * a request the generator sends on its own connections (so its timing model holds), and the
 * `yield` evaluates to the answer: `{ status, headers, body, json(), error, latencyMs }`.
 *
 *   export async function* flow(ctx) {
 *     const created = yield { method: 'POST', url: 'http://127.0.0.1:8080/orders', json: { sku: `A-${ctx.seq}` }, name: 'create' };
 *     ctx.check('order created', created.status === 201);
 *     await ctx.sleep(100);
 *     yield { url: `http://127.0.0.1:8080/orders/${created.json().id}`, name: 'read' };
 *   }
 */
import { pathToFileURL } from 'node:url';
import { jsonOf, type FlowResponse } from './compile.js';
import { iterationScope, type Answer, type FlowHost, type FlowRequest, type Iteration } from './iteration.js';

/** What the module's generator gets. */
export interface FlowContext {
  vu: number;
  /** This virtual user's iteration count. */
  iteration: number;
  /** The iteration's number across the whole load. */
  seq: number;
  /** Uniform in [0, 1), from the flow's seed and `seq`: a run replays. */
  random(): number;
  /** Records a check (k6's `check`): counted in `checks` and `checks{check:name}`. */
  check(name: string, ok: boolean): boolean;
  /** Think time, on the generator's timers. */
  sleep(ms: number): Promise<void>;
}

export interface ModuleAnswer {
  /** 0 when no answer came (see `error`). */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body as JSON; undefined when it is not JSON. */
  json(): unknown;
  /** What the connection did when no answer came: timeout, reset, refused. */
  error?: string;
  latencyMs: number;
}

type FlowFunction = (ctx: FlowContext) => AsyncGenerator<unknown, unknown, ModuleAnswer>;

export interface ModuleFlow {
  name: string;
  weight: number;
  seed: number;
  run: FlowFunction;
}

/** Imports the module; throws an Error naming it when it cannot be loaded or exports no `flow`. */
export async function loadModuleFlow(config: { name: string; weight: number; seed: number; module: string }): Promise<ModuleFlow> {
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(config.module).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot load the flow module ${config.module}: ${(error as Error).message}`, { cause: error });
  }
  const run = exports.flow ?? (exports.default as Record<string, unknown> | undefined)?.flow;
  if (typeof run !== 'function') throw new Error(`the flow module ${config.module} exports no \`flow\`; expected export async function* flow(ctx) { … }`);
  return { name: config.name, weight: config.weight, seed: config.seed, run: run as FlowFunction };
}

export class ModuleIteration implements Iteration {
  readonly started = performance.now();
  firstDue?: number;
  private readonly generator: AsyncGenerator<unknown, unknown, ModuleAnswer>;
  private number = 0;
  private current = '';
  private failed = false;

  constructor(
    private readonly module: ModuleFlow,
    seq: number,
    readonly vu: number,
    iteration: number,
    private readonly host: FlowHost,
  ) {
    const { random } = iterationScope(module, seq, vu, iteration);
    const ctx: FlowContext = {
      vu,
      iteration,
      seq,
      random: () => random.next(),
      check: (name, ok) => {
        host.check(String(name), Boolean(ok), undefined);
        return Boolean(ok);
      },
      sleep: (ms) => new Promise((resolve) => host.after(Number(ms) || 0, resolve)),
    };
    this.generator = module.run(ctx);
  }

  get flow(): string {
    return this.module.name;
  }

  start(): void {
    this.advance(undefined);
  }

  answered(answer: Answer): void {
    if ('error' in answer) this.failed = true;
    this.advance(toModuleAnswer(answer));
  }

  private advance(answer: ModuleAnswer | undefined): void {
    this.generator.next(answer!).then(
      ({ done, value }) => {
        if (done) return this.host.end(this, this.failed);
        const request = this.request(value);
        if (typeof request === 'string') {
          this.host.error(this, request);
          return this.host.end(this, true);
        }
        this.host.send(this, request);
      },
      (error: unknown) => {
        this.host.error(this, `${error instanceof Error ? error.message : String(error)}${this.current ? ` (after ${this.current})` : ''}`);
        this.host.end(this, true);
      },
    );
  }

  /** The yielded value as a request, or what is wrong with it. */
  private request(value: unknown): FlowRequest | string {
    const v = (value ?? {}) as Record<string, unknown>;
    let url: URL;
    try {
      url = new URL(String(v.url));
    } catch {
      return `the flow yielded ${JSON.stringify(value)?.slice(0, 200)}; expected { url: 'http://…', method, headers, json | body, name }`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `the flow yielded ${url.href}; expected an http:// or https:// URL`;
    const method = String(v.method ?? 'GET').toUpperCase();
    const headers = Object.entries((v.headers ?? {}) as Record<string, unknown>).map(([k, x]): [string, string] => [k, String(x)]);
    let body = v.body === undefined ? undefined : String(v.body);
    if (v.json !== undefined) {
      body = JSON.stringify(v.json);
      if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['content-type', 'application/json']);
    }
    this.number += 1;
    const name = typeof v.name === 'string' ? v.name : `${method} ${url.pathname}`;
    this.current = name;
    return {
      name,
      method,
      number: this.number,
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      headers,
      body,
      collect: true,
      timeoutMs: typeof v.timeout === 'number' ? v.timeout : undefined,
    };
  }
}

function toModuleAnswer(answer: Answer): ModuleAnswer {
  if ('error' in answer) return { status: 0, headers: {}, body: '', json: () => undefined, error: answer.error, latencyMs: answer.latencyMs };
  const response: FlowResponse = answer.response;
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: response.body.toString(),
    json: () => jsonOf(response),
    latencyMs: answer.latencyMs,
  };
}
