/**
 * The load engine: drives HTTP traffic at targets and reports every request as a Sample.
 *
 *   open model (rate)            Arrivals timetable ──► Ticker wakes at t0 + at(i) ──► send,
 *                                whatever is in flight (≤ max_in_flight, else dropped like k6's
 *                                dropped_iterations)
 *   closed model (connections)   N loops ──► send ──► response ──► send …
 *
 *   send ──► Origin.idle keep-alive HttpConnection (or a new one) ──► done ──► Sample ──► onSample
 *
 * Honest measurement: in the open model a request's latency runs from when it was *due*, so a
 * stalled target shows in the percentiles instead of silently slowing the generator down
 * (no coordinated omission). A dying target yields failed samples, never an exception.
 */
import * as hdr from 'hdr-histogram-js';
import { formatDuration } from '../units/duration.js';
import { Arrivals, stageTarget } from './arrivals.js';
import type { Answer, FlowHost, FlowRequest, Iteration } from '../flow/iteration.js';
import type { CheckExample } from '../results/types.js';
import { FlowWorkload, prepareFlows } from './flows.js';
import { HttpConnection, openSocket, type Origin } from './http-connection.js';
import type { Progress } from './progress.js';
import { classifyStatus, type ErrorClass, type Sample } from './sample.js';
import type { Traffic } from './schema.js';
import { Origins, prepareTargets, TargetPicker, type PreparedTarget } from './target.js';
import { Ticker } from './ticker.js';

export interface LoadOptions {
  /** How long to start requests (with flows: iterations), ms. Requests still in flight then are awaited (each bounded by its timeout); flow iterations under way finish their steps within one timeout. */
  durationMs: number;
  /** Aborting stops at once: nothing new starts, requests in flight are abandoned unrecorded. */
  signal?: AbortSignal;
  /** Aborting ends the load early but cleanly: nothing new starts, requests in flight are drained (each up to its timeout) and recorded. */
  stop?: AbortSignal;
  onSample: (sample: Sample) => void;
  /** The first request is about to go: `t0` (performance.now() ms) is the clock of every Sample's `start`. Not called when nothing is sent. */
  onStart?: (t0: number) => void;
  /** Open model: a request was due while `max_in_flight` were in flight, so it was not sent. `due` is performance.now() ms. */
  onDropped?: (due: number) => void;
  /** About once a second. */
  onProgress?: (progress: Progress) => void;
  /** Flows: one check (an `expect`, a capture, a module's `ctx.check`) judged; `example` describes a failing answer. */
  onCheck?: (name: string, ok: boolean, example: (() => CheckExample) | undefined) => void;
  /** Flows: an iteration ended by itself (`failed`: before its last step), after `durationMs`. Not called for those cut by the end of the load. */
  onIteration?: (durationMs: number, failed: boolean) => void;
  /** Flows: a module flow threw or yielded something that is not a request. */
  onFlowError?: (message: string) => void;
}

export interface LoadSummary {
  /** performance.now() ms when the load began: the clock of every Sample's `start`. */
  t0: number;
  /** From t0 until the last request ended, ms. */
  elapsedMs: number;
  requests: number;
  failures: number;
  /** Open model: requests not sent because max_in_flight were in flight. */
  dropped: number;
  /** Stopped through the signal before the duration ended. */
  aborted: boolean;
  /** Why nothing was sent: a target could not be reached at the start (`connection refused by 127.0.0.1:8080`). */
  unreachable?: string;
  /** Why nothing was sent: a flow module could not be used. */
  error?: string;
}

const PROGRESS_EVERY_MS = 1000;
/** How often the closed model's loops are matched to their stage's target. */
const STEER_EVERY_MS = 10;
/** Each wake-up costs tens of µs; at high rates, send requests in batches at most this far apart (ms). */
const MIN_TICK_GAP_MS = 0.25;

/** Runs load for `options.durationMs`; resolves with counts once every request has ended. Never rejects for target failures. */
export async function runLoad(traffic: Traffic, options: LoadOptions): Promise<LoadSummary> {
  const origins = new Origins({ tls: traffic.tls, keepAlive: traffic.keep_alive });
  const targets = prepareTargets(traffic.targets, { tls: traffic.tls, keepAlive: traffic.keep_alive }, origins);
  const probeStart = performance.now();
  const nothing = { t0: probeStart, elapsedMs: 0, requests: 0, failures: 0, dropped: 0 };
  let workload: FlowWorkload | undefined;
  if (traffic.flows) {
    try {
      workload = new FlowWorkload(await prepareFlows(traffic.flows), origins, traffic.keep_alive);
    } catch (error) {
      return { ...nothing, aborted: false, error: (error as Error).message };
    }
  }
  const probed = workload ? workload.knownOrigins() : [...new Map(targets.map((t) => [t.origin, t.url])).entries()];
  const unreachable = await probe(probed, traffic.timeout, options.signal);
  if (unreachable !== undefined || options.signal?.aborted) {
    return { ...nothing, aborted: options.signal?.aborted === true, unreachable };
  }
  return new LoadRun(traffic, targets, workload, options).run();
}

/** Connects once to every target's host:port: a target that refuses at the start is a clear cause, not a run of failures. */
async function probe(origins: [Origin, string][], timeoutMs: number, signal: AbortSignal | undefined): Promise<string | undefined> {
  const problems = await Promise.all(
    origins.map(
      ([origin, url]) =>
        new Promise<string | undefined>((resolve) => {
          const { socket, ready } = openSocket(origin);
          const end = (problem: string | undefined) => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            socket.destroy();
            resolve(problem === undefined ? undefined : `${problem} (${url})`);
          };
          const onAbort = () => end(undefined);
          const timer = setTimeout(() => end(`no connection to ${origin.address} within ${formatDuration(timeoutMs)}`), timeoutMs);
          signal?.addEventListener('abort', onAbort, { once: true });
          socket.once(ready, () => end(undefined));
          socket.once('error', (error: NodeJS.ErrnoException) =>
            end(
              error.code === 'ECONNREFUSED'
                ? `connection refused by ${origin.address}`
                : origin.tls && /CERT|SELF_SIGNED|TLS|SSL/.test(error.code ?? '')
                  ? `the certificate of ${origin.address} is not trusted (${error.code}); give load.tls.ca, or tls.insecure: true for a local self-signed one`
                  : `cannot connect to ${origin.address}: ${error.code ?? error.message}`,
            ),
          );
        }),
    ),
  );
  return problems.find((p) => p !== undefined);
}

/** Which flow request a connection carries. */
interface FlowSend {
  iteration: Iteration;
  request: FlowRequest;
}

const NO_HEADERS = new Map<string, string>();
const NO_BODY = Buffer.alloc(0);

class LoadRun implements FlowHost {
  private readonly picker: TargetPicker<PreparedTarget>;
  /** Every open connection, for the timeout sweep and for closing them all at the end. */
  private readonly live = new Set<HttpConnection>();
  private readonly events = { done: this.done.bind(this), closed: (c: HttpConnection) => this.live.delete(c) };
  private readonly expected: readonly number[] | undefined;
  private t0 = 0;
  private sending = true;
  private aborted = false;
  private finished = false;
  private inFlight = 0;
  private requests = 0;
  private failures = 0;
  private dropped = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private resolve!: (summary: LoadSummary) => void;
  /** Latencies of the current progress interval, in µs. */
  private readonly recent = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 2,
    autoResize: true,
    useWebAssembly: false,
  });
  private recentRequests = 0;
  /** Closed model with stages: loops wanted now, and those running. */
  private wanted = Infinity;
  private readonly looping = new Set<number>();
  private lastReport = 0;

  // The open model's timetable: request `next` is due `nextAt` ms after t0.
  private readonly arrivals: Arrivals | undefined;
  private readonly total: number;
  private next = 0;
  private nextAt: number;
  private ticker: Ticker | undefined;

  constructor(
    private readonly traffic: Traffic,
    targets: PreparedTarget[],
    /** Set when the load runs flows instead of fixed targets. */
    private readonly workload: FlowWorkload | undefined,
    private readonly options: LoadOptions,
  ) {
    this.picker = new TargetPicker(targets);
    this.expected = traffic.expect?.status;
    this.arrivals = traffic.rate === undefined ? undefined : traffic.stages ? new Arrivals(traffic.stages) : new Arrivals(traffic.rate, traffic.ramp_up);
    this.total = this.arrivals?.countBefore(options.durationMs) ?? 0;
    this.nextAt = this.arrivals?.at(0) ?? 0;
  }

  async run(): Promise<LoadSummary> {
    const open = this.traffic.rate !== undefined;
    if (open) this.ticker = await Ticker.start(() => this.tick());
    const done = new Promise<LoadSummary>((resolve) => (this.resolve = resolve));
    const { signal } = this.options;
    const onAbort = () => this.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    void done.then(() => signal?.removeEventListener('abort', onAbort));

    this.t0 = this.lastReport = performance.now();
    if (signal?.aborted) {
      this.abort();
      return done;
    }
    const { stop } = this.options;
    if (stop?.aborted) {
      this.stopSending();
      return done;
    }
    const onStop = () => this.stopSending();
    stop?.addEventListener('abort', onStop, { once: true });
    void done.then(() => stop?.removeEventListener('abort', onStop));
    this.options.onStart?.(this.t0);
    this.every(Math.min(100, Math.max(5, this.traffic.timeout / 20)), () => this.sweep());
    if (this.options.onProgress) this.every(PROGRESS_EVERY_MS, () => this.report());
    if (open) this.tick();
    else this.runClosed(this.traffic.connections!);
    return done;
  }

  /** Open model: sends every request due by now, then asks the ticker to wake it when the next one is due. */
  private tick(): void {
    if (!this.sending) return;
    const elapsed = performance.now() - this.t0;
    while (this.next < this.total && this.nextAt <= elapsed) {
      const due = this.t0 + this.nextAt;
      this.next += 1;
      this.nextAt = this.arrivals!.at(this.next);
      if (this.inFlight >= this.traffic.max_in_flight) {
        this.dropped += 1;
        this.options.onDropped?.(due);
      } else this.begin(due, -1);
    }
    if (this.next < this.total) this.ticker!.wakeAt(Math.max(this.t0 + this.nextAt, performance.now() + MIN_TICK_GAP_MS));
    else this.stopSending();
  }

  /**
   * N loops, started evenly over ramp_up, each sending its next request when the last one ends.
   * With stages, the loops wanted follow their targets: checked every 10 ms, a loop starts when the
   * target passes its number and retires after its request when the target falls below it.
   */
  private runClosed(connections: number): void {
    const stages = this.traffic.stages;
    if (stages) {
      const steer = () => {
        if (!this.sending) return;
        this.wanted = Math.round(stageTarget(stages, performance.now() - this.t0));
        for (let loop = 0; loop < this.wanted; loop++) {
          if (this.looping.has(loop)) continue;
          this.looping.add(loop);
          this.begin(performance.now(), loop);
        }
      };
      steer();
      this.every(STEER_EVERY_MS, steer);
      this.after(this.options.durationMs, () => this.stopSending());
      return;
    }
    for (let loop = 0; loop < connections; loop++) {
      const delay = (loop / connections) * this.traffic.ramp_up;
      if (delay === 0) this.begin(performance.now(), loop);
      else this.after(delay, () => this.sending && this.begin(performance.now(), loop));
    }
    this.after(this.options.durationMs, () => this.stopSending());
  }

  /** Starts an iteration: one request to the next fixed target, or a flow. */
  private begin(due: number, loop: number): void {
    if (!this.workload) return this.sendTarget(due, loop);
    this.inFlight += 1;
    const iteration = this.workload.begin(loop, this);
    iteration.firstDue = due;
    iteration.start();
  }

  private sendTarget(due: number, loop: number): void {
    const target = this.picker.next();
    const connection = takeIdle(target.origin) ?? this.open(target.origin);
    connection.owner = target;
    connection.start = due;
    connection.loop = loop;
    connection.deadline = due + this.traffic.timeout;
    this.inFlight += 1;
    connection.send(target.bytes, target.head);
  }

  private open(origin: Origin): HttpConnection {
    const connection = new HttpConnection(origin, this.events);
    this.live.add(connection);
    return connection;
  }

  private done(connection: HttpConnection, status: number, error: ErrorClass | undefined): void {
    if (this.workload) return this.flowDone(connection, status, error);
    const now = performance.now();
    this.inFlight -= 1;
    const errorClass = error ?? classifyStatus(status, this.expected);
    const latencyMs = now - connection.start;
    const ok = errorClass === undefined;
    this.count(ok, latencyMs);
    const { tags } = connection.owner as PreparedTarget;
    this.options.onSample({ start: connection.start, latencyMs, status: error === undefined ? status : undefined, ok, errorClass, tags });

    if (this.finished) return;
    if (connection.alive) connection.origin.idle.push(connection);
    if (this.sending) {
      if (connection.loop >= this.wanted) this.looping.delete(connection.loop);
      else if (connection.loop >= 0) this.sendTarget(now, connection.loop);
    } else if (this.inFlight === 0) this.finish();
  }

  private count(ok: boolean, latencyMs: number): void {
    this.requests += 1;
    if (!ok) this.failures += 1;
    if (this.options.onProgress) {
      this.recentRequests += 1;
      this.recent.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
    }
  }

  // FlowHost: a flow iteration's requests go out on the same connections and timers as fixed ones.

  send(iteration: Iteration, request: FlowRequest): void {
    // Once the load is over, iterations under way still finish (k6's graceful stop), within the load's timeout.
    if (this.finished) return;
    const { origin, host } = this.workload!.originOf(request.origin);
    const connection = takeIdle(origin) ?? this.open(origin);
    const start = iteration.firstDue ?? performance.now();
    iteration.firstDue = undefined;
    connection.owner = { iteration, request } satisfies FlowSend;
    connection.start = start;
    connection.loop = -1;
    connection.deadline = start + (request.timeoutMs ?? this.traffic.timeout);
    connection.send(this.workload!.bytes(request, host), request.method === 'HEAD', request.collect);
  }

  end(iteration: Iteration, failed: boolean): void {
    this.iterationOver(iteration, failed ? 'failed' : 'done');
  }

  after(ms: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (!this.finished) fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
  }

  check(name: string, ok: boolean, example: (() => CheckExample) | undefined): void {
    this.options.onCheck?.(name, ok, example);
  }

  error(_iteration: Iteration, message: string): void {
    this.options.onFlowError?.(message);
  }

  private flowDone(connection: HttpConnection, status: number, error: ErrorClass | undefined): void {
    const now = performance.now();
    const { iteration, request } = connection.owner as FlowSend;
    connection.owner = undefined;
    const errorClass = error ?? classifyStatus(status, this.expected);
    const latencyMs = now - connection.start;
    const ok = errorClass === undefined;
    this.count(ok, latencyMs);
    const tags = { name: request.name, method: request.method, step: String(request.number), flow: iteration.flow };
    this.options.onSample({ start: connection.start, latencyMs, status: error === undefined ? status : undefined, ok, errorClass, tags });
    if (this.finished) return;
    if (connection.alive) connection.origin.idle.push(connection);
    const { parser } = connection;
    const answer: Answer =
      error !== undefined
        ? { error, latencyMs }
        : {
            response: request.collect
              ? { status, headers: parser.headers, body: parser.body(), truncated: parser.truncated }
              : { status, headers: NO_HEADERS, body: NO_BODY, truncated: false },
            latencyMs,
          };
    iteration.answered(answer);
  }

  private iterationOver(iteration: Iteration, how: 'done' | 'failed'): void {
    this.inFlight -= 1;
    this.options.onIteration?.(performance.now() - iteration.started, how === 'failed');
    if (this.finished) return;
    const closed = this.traffic.rate === undefined;
    if (!closed) this.workload!.release(iteration.vu);
    if (this.sending) {
      if (!closed) return;
      if (iteration.vu >= this.wanted) this.looping.delete(iteration.vu);
      else this.begin(performance.now(), iteration.vu);
    } else if (this.inFlight === 0) this.finish();
  }

  /** Fails requests past their deadline as timeouts. */
  private sweep(): void {
    const now = performance.now();
    for (const connection of this.live) if (connection.busy && connection.deadline <= now) connection.fail('timeout');
  }

  private report(): void {
    const now = performance.now();
    const intervalMs = now - this.lastReport;
    this.lastReport = now;
    this.options.onProgress!({
      elapsedMs: now - this.t0,
      durationMs: this.options.durationMs,
      requests: this.requests,
      failures: this.failures,
      dropped: this.dropped,
      inFlight: this.inFlight,
      rps: intervalMs > 0 ? (this.recentRequests * 1000) / intervalMs : 0,
      p99Ms: this.recentRequests > 0 ? this.recent.getValueAtPercentile(99) / 1000 : 0,
    });
    this.recent.reset();
    this.recentRequests = 0;
  }

  private stopSending(): void {
    if (!this.sending) return;
    this.sending = false;
    if (this.inFlight === 0) this.finish();
    // Flow iterations under way get one timeout to finish their steps; then they are cut.
    else if (this.workload) this.after(this.traffic.timeout, () => this.finish());
  }

  private abort(): void {
    if (this.finished) return;
    this.aborted = true;
    this.finish();
  }

  /** Stops timers, closes every connection (abandoning any request still in flight) and resolves. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.sending = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const connection of this.live) connection.abandon();
    this.live.clear();
    this.recent.destroy();
    const summary = {
      t0: this.t0,
      elapsedMs: performance.now() - this.t0,
      requests: this.requests,
      failures: this.failures,
      dropped: this.dropped,
      aborted: this.aborted,
    };
    void (this.ticker?.stop() ?? Promise.resolve()).then(() => this.resolve(summary));
  }

  private every(ms: number, fn: () => void): void {
    this.timers.add(setInterval(fn, ms));
  }
}

/** An idle keep-alive connection to the origin, skipping any the target closed meanwhile. */
function takeIdle(origin: Origin): HttpConnection | undefined {
  let connection = origin.idle.pop();
  while (connection !== undefined && !connection.alive) connection = origin.idle.pop();
  return connection;
}
