/**
 * A stage's output echoed to a terminal or pipe that reads slower than the stage prints: what waits
 * to be written stays bounded (1 GB of lines once queued 1 GB and failed with EINVAL), and the
 * lines left out are counted and said.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ECHO_QUEUE_BYTES, terminalLog } from '../../src/cli/log.js';

/** A real stream whose reader is stalled until `release()`: every write waits, as on a full pipe. */
function stalledPipe() {
  const held: (() => void)[] = [];
  const chunks: string[] = [];
  let stalled = true;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      if (stalled) held.push(done);
      else done();
    },
  });
  const release = () => {
    stalled = false;
    for (const done of held.splice(0)) done();
  };
  return { stream, chunks, release };
}

describe('the terminal echo of a stage', () => {
  it('stays within its queue bound while the reader stalls, and says how many lines it left out', async () => {
    const pipe = stalledPipe();
    const log = terminalLog(pipe.stream);
    const line = 'x'.repeat(99);
    const lines = 100_000; // 10 MB of output, past the 4 MB bound
    let peak = 0;
    for (let i = 0; i < lines; i++) {
      log.output('unit', line);
      peak = Math.max(peak, pipe.stream.writableLength);
    }
    expect(peak).toBeLessThanOrEqual(ECHO_QUEUE_BYTES + 200);
    pipe.release();
    await new Promise<void>((resolve) => (pipe.stream.writableLength === 0 ? resolve() : pipe.stream.once('drain', resolve)));
    log.info('unit: passed');
    const text = pipe.chunks.join('');
    const echoed = text.split('\n').filter((l) => l === `[unit] ${line}`).length;
    const said = /… (\d+) lines of output not echoed here: the terminal read slower than the stage printed/.exec(text);
    expect(echoed).toBeGreaterThan(0);
    expect(said).not.toBeNull();
    expect(echoed + Number(said![1])).toBe(lines);
    expect(text.trimEnd().endsWith('unit: passed')).toBe(true);
  });

  it('echoes every line while the reader keeps up', () => {
    const pipe = stalledPipe();
    pipe.release();
    const log = terminalLog(pipe.stream);
    for (let i = 0; i < 1000; i++) log.output('unit', `line ${i}`);
    const text = pipe.chunks.join('');
    expect(text.split('\n').filter((l) => l.startsWith('[unit] line ')).length).toBe(1000);
    expect(text).not.toContain('not echoed');
  });
});
