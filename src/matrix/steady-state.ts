/**
 * The matrix's steady-state checks (`steady_state:`): a few HTTP requests, written as flow steps,
 * whose `expect`s must all hold before the first cell and again after each cell's recovery. They
 * see what a success rate cannot: a cache client that never reconnects behind a service that
 * answers from the database anyway, a queue consumer that stopped, a counter that must stay 0.
 *
 *   probe ──► step 1 ··· answer ──► expects, captures ──► step 2 ··· ──► holds | why not
 *
 * The steps run through the flow's own walker (StepsIteration), so captures, templates and
 * checks mean exactly what they mean in a load.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { compileFlow, type CompiledFlow, type FlowResponse, type StepConfig } from '../flow/compile.js';
import { iterationScope, StepsIteration, type Answer, type FlowHost, type FlowRequest, type Iteration } from '../flow/iteration.js';

/** How much of an answer a check reads; a health page is far smaller. */
const MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 2000;
const POLL_MS = 100;
/** How much of a failing answer the reason quotes. */
const QUOTE_CHARS = 160;

export function compileSteadyState(steps: StepConfig[]): CompiledFlow {
  return compileFlow({ kind: 'steps', name: 'steady state', weight: 1, seed: 1, steps });
}

/** One pass of the checks: undefined when they all hold, or the first that did not, with the answer it got. */
export function probeSteadyState(flow: CompiledFlow): Promise<string | undefined> {
  return new Promise((resolve) => {
    let failure: string | undefined;
    const host: FlowHost = {
      send: (iteration, request) => void send(request).then((answer) => iteration.answered(answer)),
      end: () => resolve(failure),
      after: (ms, fn) => void sleep(ms).then(fn),
      check: (name, ok, example) => {
        if (ok || failure) return;
        const seen = example?.();
        const body = seen?.body ? ` ${seen.body.replace(/\s+/g, ' ').slice(0, QUOTE_CHARS)}` : '';
        failure = `${name} did not hold (${seen ? `${seen.status}${body}` : 'no answer'})`;
      },
      error: (_iteration: Iteration, message: string) => {
        failure ??= message;
      },
    };
    new StepsIteration(flow, iterationScope(flow, 0, 0, 0), host).start();
  });
}

/** Probes until the checks hold or `withinMs` has passed; the last reason when they never did. */
export async function awaitSteadyState(flow: CompiledFlow, withinMs: number, signal: AbortSignal): Promise<string | undefined> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const why = await probeSteadyState(flow);
    if (why === undefined || performance.now() >= deadline || signal.aborted) return why;
    await sleep(POLL_MS);
  }
}

async function send(request: FlowRequest): Promise<Answer> {
  const started = performance.now();
  const latency = () => performance.now() - started;
  try {
    const response = await fetch(request.origin + request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    const { body, truncated } = await readBounded(response);
    const headers = new Map<string, string>();
    response.headers.forEach((value, name) => headers.set(name, value));
    const answer: FlowResponse = { status: response.status, headers, body, truncated };
    return { response: answer, latencyMs: latency() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { error: `${request.method} ${request.origin}${request.path}: ${cause ?? (error as Error).message}`, latencyMs: latency() };
  }
}

async function readBounded(response: Response): Promise<{ body: Buffer; truncated: boolean }> {
  if (!response.body) return { body: Buffer.alloc(0), truncated: false };
  const reader = response.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: Buffer.concat(chunks), truncated: false };
    chunks.push(Buffer.from(value));
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      return { body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES), truncated: true };
    }
  }
}
