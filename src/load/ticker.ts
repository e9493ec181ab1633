/**
 * Sub-millisecond wake-ups for the open model. Node's timers fire on whole milliseconds (a
 * request due at +0.3 ms would leave at +1.2 ms, and that lag would count as the target's
 * latency); a worker thread instead sleeps on a futex (Atomics.wait, µs precision) and posts
 * a message at the deadline, which wakes the main event loop at once.
 *
 *   main: wakeAt(t) ──► shared { generation, deadline } ──► worker: Atomics.wait until t
 *   main: onTick()  ◄──────────── postMessage ◄────────────┘
 *
 * The price: some 50–70 µs of CPU per wake-up across both threads (about a tenth of a core at
 * 2,000/s) and ~20 MB for the worker, against a median scheduling lag of ~0.1 ms instead of ~0.6 ms.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

// Plain JS run by the worker (eval'd, so it survives bundling). Slot 0: generation, bumped on
// every new deadline; bytes 8..16: the deadline in epoch ms (the two threads' performance.now()
// origins differ, so both add their timeOrigin); a negative deadline ends the loop.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const generation = new Int32Array(workerData, 0, 1);
const deadline = new Float64Array(workerData, 8, 1);
let fired = -1;
for (;;) {
  const gen = Atomics.load(generation, 0);
  const at = deadline[0];
  if (at < 0) break;
  if (fired === gen) { Atomics.wait(generation, 0, gen); continue; }
  const wait = at - (performance.timeOrigin + performance.now());
  if (wait > 0) { Atomics.wait(generation, 0, gen, wait); continue; }
  fired = gen;
  parentPort.postMessage(0);
}`;

export class Ticker {
  private readonly shared = new SharedArrayBuffer(16);
  private readonly generation = new Int32Array(this.shared, 0, 1);
  private readonly deadline = new Float64Array(this.shared, 8, 1);
  private readonly worker: Worker;

  private constructor(onTick: () => void) {
    this.deadline[0] = Infinity;
    this.worker = new Worker(WORKER, { eval: true, workerData: this.shared });
    this.worker.on('message', onTick);
  }

  /** A ticker whose worker is up, so the first wake-up is on time. */
  static async start(onTick: () => void): Promise<Ticker> {
    const ticker = new Ticker(onTick);
    await once(ticker.worker, 'online');
    return ticker;
  }

  /** One call of onTick at `at` (performance.now() ms), or at once if that has passed; replaces the previous request. */
  wakeAt(at: number): void {
    this.deadline[0] = performance.timeOrigin + at;
    Atomics.add(this.generation, 0, 1);
    Atomics.notify(this.generation, 0);
  }

  /** Ends the worker; no tick follows. */
  async stop(): Promise<void> {
    this.worker.removeAllListeners('message');
    this.deadline[0] = -1;
    Atomics.add(this.generation, 0, 1);
    Atomics.notify(this.generation, 0);
    await this.worker.terminate();
  }
}
