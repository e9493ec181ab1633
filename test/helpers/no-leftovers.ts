/**
 * vitest globalSetup: after every test run, no child process of the run and no listening port
 * it opened may remain. Fails the run loudly, naming each leftover (see leftovers.ts).
 */
import { randomUUID } from 'node:crypto';
import { childrenOf, commandOf, describeLeftovers, MARKER, markedProcesses, waitForNoLeftovers } from './leftovers.js';

let runId: string | undefined;
/** Marked processes that exist before any test runs (vitest's own helpers): not leftovers of a test. */
let before = new Set<number>();

export function setup(): void {
  runId = `${process.pid}-${randomUUID()}`;
  // Every process the tests start inherits it, however deep and wherever it is reparented.
  process.env[MARKER] = runId;
  before = new Set(markedProcesses(runId));
}

export async function teardown(): Promise<void> {
  if (!runId) return;
  // vitest's workers are still alive here (the pool closes after the teardown): not leftovers themselves,
  // but a listener one of them still holds is a server a test never closed.
  const workers = () => childrenOf(process.pid).filter((pid) => /vitest|tinypool/.test(commandOf(pid)));
  const exclude = new Set([...before, ...workers()]);
  const left = await waitForNoLeftovers(runId, { exclude, holders: workers, timeoutMs: 3000 });
  if (left.length > 0) {
    throw new Error(
      `the test run left ${left.length} process${left.length === 1 ? '' : 'es'} or listening port${left.length === 1 ? '' : 's'} behind (a process left behind is a bug):\n${describeLeftovers(left)}`,
    );
  }
}
