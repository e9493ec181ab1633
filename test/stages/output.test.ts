/**
 * A command's output within bounds: lines cut past their limit (a 1 GB line would crash a plain
 * line reader), and a log file that keeps its head and tail within its byte budget. The sizes
 * here are small; `npm run stress` drives the same code with 1 GB.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BoundedLog, readLines } from '../../src/stages/output.js';

describe('readLines', () => {
  it('splits lines across chunks, drops \\r of \\r\\n, and cuts a line past its limit saying how much was dropped', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    let cuts = 0;
    const done = readLines(
      stream,
      (l) => lines.push(l),
      () => (cuts += 1),
      10,
    );
    stream.write('ab');
    stream.write('c\r\nxxxxxxxx');
    stream.write('xxxxxxxxxxxx\nlast');
    stream.end();
    await done;
    expect(lines).toEqual(['abc', 'xxxxxxxxxx … [line cut: 10 bytes dropped]', 'last']);
    expect(cuts).toBe(1);
  });
});

describe('BoundedLog', () => {
  it('keeps the head and the tail within its limit and says what it dropped between them', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'bounded-log-')), 'x.log');
    const log = new BoundedLog(file, 1000);
    for (let i = 0; i < 1000; i++) log.line(`line ${String(i).padStart(4, '0')}`);
    await log.close();
    const text = await readFile(file, 'utf8');
    const kept = text.split('\n').filter(Boolean);
    expect(kept[0]).toBe('line 0000');
    expect(kept.at(-1)).toBe('line 0999');
    const note = kept.find((l) => l.includes('chaos-gate dropped'))!;
    expect(note).toMatch(/^… chaos-gate dropped \d+ lines \(\d+ bytes\) here: a log keeps its first and last 500 bytes/);
    // The file is the limit plus the one note line.
    expect(Buffer.byteLength(text) - Buffer.byteLength(`${note}\n`)).toBeLessThanOrEqual(1000);
    expect(log.dropped.lines + kept.length - 1).toBe(1000);
  });
});
