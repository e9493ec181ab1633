/**
 * Every toxic against a fake connection, as Toxiproxy tests each toxic against a stub: what it
 * passes on, when (fake timers, so "when" is exact and instant), and what it does to the
 * connection. The same toxics over real sockets are in toxics.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ToxicStage, ToxicStageContext } from '../../src/proxy/toxic-stage.js';
import { toxicKind, type ToxicType } from '../../src/proxy/toxics/index.js';
import { Random } from '../../src/random.js';

/** What a stage did to its fake connection, in order: `push:<text>`, `end`, `pause`, `resume`, `close`, `reset`. */
interface Fake {
  stage: ToxicStage;
  events: string[];
  /** Every pushed byte, in order. */
  bytes(): Buffer;
}

function stage(type: ToxicType, attributes: Record<string, unknown> = {}, seed = 1): Fake {
  const events: string[] = [];
  const pushed: Buffer[] = [];
  const ctx: ToxicStageContext = {
    push(chunk) {
      pushed.push(chunk);
      events.push(`push:${chunk.length > 32 ? `${chunk.length} bytes` : chunk.toString()}`);
    },
    end: () => events.push('end'),
    pause: () => events.push('pause'),
    resume: () => events.push('resume'),
    close: () => events.push('close'),
    reset: () => events.push('reset'),
    random: new Random(seed),
  };
  const kind = toxicKind(type);
  return { stage: kind.create(kind.attributes.parse(attributes), ctx), events, bytes: () => Buffer.concat(pushed) };
}

const text = (value: string) => Buffer.from(value);
/** Moves the fake clock (timers and performance.now) on by `ms`. */
const after = (ms: number) => vi.advanceTimersByTime(ms);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('latency', () => {
  it('holds each chunk and the end for the latency, in order', () => {
    const { stage: s, events } = stage('latency', { latency: 100 });
    s.write(text('a'));
    s.end();
    after(99);
    expect(events).toEqual([]);
    after(1);
    expect(events).toEqual(['push:a', 'end']);
  });

  it('delays each chunk from its own arrival, not after the one before', () => {
    const { stage: s, events } = stage('latency', { latency: 100 });
    s.write(text('a'));
    after(50);
    s.write(text('b'));
    after(50);
    expect(events).toEqual(['push:a']);
    after(50);
    expect(events).toEqual(['push:a', 'push:b']);
  });

  it('never reorders under jitter', () => {
    const { stage: s, events } = stage('latency', { latency: 50, jitter: 45 }, 7);
    const sent = Array.from({ length: 30 }, (_, i) => `${i}`);
    for (const chunk of sent) {
      s.write(text(chunk));
      after(1);
    }
    after(100);
    expect(events).toEqual(sent.map((chunk) => `push:${chunk}`));
  });

  it('passes at once with latency 0', () => {
    const { stage: s, events } = stage('latency');
    s.write(text('now'));
    expect(events).toEqual(['push:now']);
  });

  it('flush passes everything held at once, in order; no timer fires after', () => {
    const { stage: s, events } = stage('latency', { latency: 1000 });
    s.write(text('a'));
    s.write(text('b'));
    s.end();
    s.flush();
    expect(events).toEqual(['push:a', 'push:b', 'end']);
    after(2000);
    expect(events).toHaveLength(3);
  });

  it('destroy drops what it holds', () => {
    const { stage: s, events } = stage('latency', { latency: 100 });
    s.write(text('a'));
    s.destroy();
    after(1000);
    expect(events).toEqual([]);
  });

  it('pauses the source past 16 MiB held and resumes once half of it has gone', () => {
    const { stage: s, events, bytes } = stage('latency', { latency: 100 });
    s.write(Buffer.alloc(9 << 20));
    expect(events).toEqual([]);
    s.write(Buffer.alloc(9 << 20, 1));
    expect(events).toEqual(['pause']);
    after(100);
    expect(events).toEqual(['pause', `push:${9 << 20} bytes`, 'resume', `push:${9 << 20} bytes`]);
    expect(bytes().length).toBe(18 << 20);
  });
});

describe('bandwidth', () => {
  it('passes bytes at the rate in KB/s (bytes per ms), then the end', () => {
    const { stage: s, bytes, events } = stage('bandwidth', { rate: 100 });
    s.write(Buffer.alloc(3000));
    s.end();
    expect(bytes().length).toBe(0);
    after(10);
    expect(bytes().length).toBe(1000);
    after(10);
    expect(bytes().length).toBe(2000);
    after(10);
    expect(bytes().length).toBe(3000);
    expect(events.at(-1)).toBe('end');
  });

  it('flush passes everything held at once, in order', () => {
    const { stage: s, bytes, events } = stage('bandwidth', { rate: 1 });
    s.write(text('abc'));
    s.write(text('def'));
    s.end();
    s.flush();
    expect(bytes().toString()).toBe('abcdef');
    expect(events.at(-1)).toBe('end');
    after(10_000);
    expect(bytes().toString()).toBe('abcdef');
  });

  it('pauses the source past a second of bytes held and resumes below half of it', () => {
    const { stage: s, events } = stage('bandwidth', { rate: 100 }); // 100 000 bytes a second
    s.write(Buffer.alloc(150_000));
    expect(events).toEqual(['pause']);
    after(999);
    expect(events).not.toContain('resume');
    after(1);
    expect(events).toContain('resume');
  });
});

describe('slow_close', () => {
  it('passes bytes at once and holds the end for the delay', () => {
    const { stage: s, events } = stage('slow_close', { delay: 100 });
    s.write(text('a'));
    s.end();
    expect(events).toEqual(['push:a']);
    after(100);
    expect(events).toEqual(['push:a', 'end']);
  });

  it('flush ends at once; destroy never ends', () => {
    const flushed = stage('slow_close', { delay: 100 });
    flushed.stage.end();
    flushed.stage.flush();
    expect(flushed.events).toEqual(['end']);
    const destroyed = stage('slow_close', { delay: 100 });
    destroyed.stage.end();
    destroyed.stage.destroy();
    after(1000);
    expect(destroyed.events).toEqual([]);
  });
});

describe('timeout', () => {
  it('passes nothing and closes the connection after the timeout', () => {
    const { stage: s, events } = stage('timeout', { timeout: 100 });
    s.write(text('lost'));
    after(99);
    expect(events).toEqual([]);
    after(1);
    expect(events).toEqual(['close']);
  });

  it('with timeout 0 never closes; removing it closes only a connection that lost bytes', () => {
    const idle = stage('timeout', { timeout: 0 });
    after(3_600_000);
    idle.stage.flush();
    expect(idle.events).toEqual([]);
    const lost = stage('timeout', { timeout: 0 });
    lost.stage.write(text('lost'));
    lost.stage.flush();
    expect(lost.events).toEqual(['close']);
  });
});

describe('reset_peer', () => {
  it('resets at once on the first bytes with timeout 0, passing nothing', () => {
    const { stage: s, events } = stage('reset_peer');
    s.write(text('a'));
    expect(events).toEqual(['reset']);
  });

  it('resets the timeout after the first bytes (or the end), once', () => {
    const { stage: s, events } = stage('reset_peer', { timeout: 100 });
    after(500);
    s.write(text('a'));
    s.write(text('b'));
    after(99);
    expect(events).toEqual([]);
    after(1);
    expect(events).toEqual(['reset']);
    const ended = stage('reset_peer', { timeout: 100 });
    ended.stage.end();
    after(100);
    expect(ended.events).toEqual(['reset']);
  });

  it('removing it closes a connection that lost bytes, ends one that only ended', () => {
    const lost = stage('reset_peer', { timeout: 100 });
    lost.stage.write(text('a'));
    lost.stage.flush();
    after(1000);
    expect(lost.events).toEqual(['close']);
    const ended = stage('reset_peer', { timeout: 100 });
    ended.stage.end();
    ended.stage.flush();
    after(1000);
    expect(ended.events).toEqual(['end']);
  });
});

describe('slicer', () => {
  it('cuts a chunk into pieces of at most average + variation, every byte once, in order', () => {
    const input = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const { stage: s, events, bytes } = stage('slicer', { average_size: 10, size_variation: 4 });
    s.write(input);
    s.end();
    expect(bytes()).toEqual(input);
    const pieces = events.filter((e) => e.startsWith('push:'));
    expect(pieces.length).toBeGreaterThan(1000 / 14);
    expect(events.at(-1)).toBe('end');
  });

  it('sends pieces `delay` µs apart, the end after the last', () => {
    const { stage: s, events } = stage('slicer', { average_size: 1, delay: 10_000 });
    s.write(text('abc'));
    s.end();
    expect(events).toEqual(['push:a']);
    after(10);
    expect(events).toEqual(['push:a', 'push:b']);
    after(20);
    expect(events).toEqual(['push:a', 'push:b', 'push:c', 'end']);
  });

  it('flush sends what is queued at once', () => {
    const { stage: s, events } = stage('slicer', { average_size: 1, delay: 10_000 });
    s.write(text('abc'));
    s.end();
    s.flush();
    expect(events).toEqual(['push:a', 'push:b', 'push:c', 'end']);
  });
});

describe('limit_data', () => {
  it('passes exactly the byte limit, then closes and passes nothing more', () => {
    const { stage: s, events } = stage('limit_data', { bytes: 5 });
    s.write(text('abc'));
    s.write(text('defg'));
    s.write(text('h'));
    expect(events).toEqual(['push:abc', 'push:de', 'close']);
  });
});

describe('stall', () => {
  it('pauses the source at once and holds; removing it passes everything in order, then resumes', () => {
    const { stage: s, events } = stage('stall');
    s.write(text('a'));
    s.write(text('b'));
    s.end();
    after(60_000);
    expect(events).toEqual(['pause']);
    s.flush();
    expect(events).toEqual(['pause', 'push:a', 'push:b', 'end', 'resume']);
  });
});

describe('blackhole', () => {
  it('discards every byte; the end still passes', () => {
    const { stage: s, events } = stage('blackhole');
    s.write(text('gone'));
    s.end();
    expect(events).toEqual(['end']);
  });
});

describe('close_on_data', () => {
  it('closes the connection on the first bytes instead of passing them', () => {
    const { stage: s, events } = stage('close_on_data');
    s.write(text('x'));
    expect(events).toEqual(['close']);
  });
});

describe('corrupt', () => {
  it('probability 1 inverts every bit; 0 passes the bytes untouched', () => {
    const inverted = stage('corrupt', { probability: 1 });
    const input = text('AB');
    inverted.stage.write(input);
    expect([...inverted.bytes()]).toEqual([0xff ^ 0x41, 0xff ^ 0x42]);
    expect(input.toString()).toBe('AB');
    const clean = stage('corrupt', { probability: 0 });
    clean.stage.write(input);
    expect(clean.bytes()).toEqual(input);
  });

  it('flips the same bits for the same seed, about the rate asked', () => {
    const input = Buffer.alloc(100_000);
    const flipped = (seed: number) => {
      const { stage: s, bytes } = stage('corrupt', { probability: 0.01 }, seed);
      s.write(input);
      return bytes();
    };
    const bits = (buffer: Buffer) => buffer.reduce((sum, byte) => sum + popcount(byte), 0);
    expect(flipped(3)).toEqual(flipped(3));
    expect(flipped(3)).not.toEqual(flipped(4));
    expect(bits(flipped(3)) / (input.length * 8)).toBeCloseTo(0.01, 2);
  });
});

describe('limit_time', () => {
  it('passes bytes, then closes the time after the first byte', () => {
    const { stage: s, events } = stage('limit_time', { time: 100 });
    after(500);
    s.write(text('a'));
    after(50);
    s.write(text('b'));
    after(49);
    expect(events).toEqual(['push:a', 'push:b']);
    after(1);
    expect(events).toEqual(['push:a', 'push:b', 'close']);
  });

  it('removing it cancels the close', () => {
    const { stage: s, events } = stage('limit_time', { time: 100 });
    s.write(text('a'));
    s.flush();
    after(1000);
    expect(events).toEqual(['push:a']);
  });
});

function popcount(byte: number): number {
  let count = 0;
  for (let b = byte; b > 0; b >>= 1) count += b & 1;
  return count;
}
