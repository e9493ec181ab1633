/** The toxic and proxy schemas: Toxiproxy's defaults, its clients' quirks, and errors that point at the field. */
import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random.js';
import { proxySchema, toxicSchema } from '../../src/proxy/schema.js';
import { cutPoints } from '../../src/proxy/toxics/slicer.js';

describe('toxicSchema', () => {
  it("fills in Toxiproxy's defaults: name <type>_<stream>, downstream, toxicity 1, attributes", () => {
    expect(toxicSchema.parse({ type: 'latency' })).toEqual({
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 0, jitter: 0 },
    });
  });

  it('accepts what the Go client sends for an unnamed toxic without attributes', () => {
    expect(toxicSchema.parse({ name: '', type: 'timeout', stream: 'upstream', toxicity: 0, attributes: null })).toMatchObject({
      name: 'timeout_upstream',
      toxicity: 0,
      attributes: { timeout: 0 },
    });
  });

  it('rejects a fractional seed and a byte count that is not whole', () => {
    const issues = (value: unknown) => toxicSchema.safeParse(value).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues({ type: 'corrupt', seed: 1.5, attributes: { probability: 0.1 } })).toEqual([['seed', 'expected a whole number']]);
    expect(issues({ type: 'limit_data', attributes: { bytes: 1.5 } })).toEqual([['attributes.bytes', 'expected a whole number of bytes ≥ 0']]);
  });

  it("takes toxicity_mode: data only for toxics that act on a chunk at once, and keeps Toxiproxy's shape otherwise", () => {
    expect(toxicSchema.parse({ type: 'reset_peer', toxicity: 0.3, toxicity_mode: 'data' })).toMatchObject({ toxicity: 0.3, toxicity_mode: 'data' });
    expect(toxicSchema.parse({ type: 'reset_peer', toxicity_mode: 'connection' })).not.toHaveProperty('toxicity_mode');
    const latency = toxicSchema.safeParse({ type: 'latency', toxicity_mode: 'data', attributes: { latency: 10 } });
    expect(latency.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['toxicity_mode', 'toxicity_mode: data rolls each chunk, which only reset_peer, close_on_data, blackhole, corrupt can take (latency holds bytes back)'],
    ]);
  });
});

describe('proxySchema in a config file', () => {
  it('gives issue paths that point at the offending key', () => {
    const config = z.strictObject({ proxies: z.array(proxySchema) });
    const result = config.safeParse({
      proxies: [{ name: 'pg', listen: '127.0.0.1:15432', upstream: '127.0.0.1:5432', toxics: [{ type: 'latency', attributes: { latency: -1 } }] }],
    });
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['proxies', 0, 'toxics', 0, 'attributes', 'latency'], 'expected a number of milliseconds ≥ 0'],
    ]);
  });

  it('defaults listen to a free loopback port, enabled and accepting to true, no connection limit', () => {
    expect(proxySchema.parse({ name: 'redis', upstream: '127.0.0.1:6379' })).toEqual({
      name: 'redis',
      listen: '127.0.0.1:0',
      upstream: '127.0.0.1:6379',
      enabled: true,
      accepting: true,
      on_max: 'refuse',
    });
  });
});

describe('slicer cut points', () => {
  it('cover every byte once, in pieces of at most average + variation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70_000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 4999 }),
        fc.integer(),
        (size, average, variation, seed) => {
          fc.pre(variation < average);
          const cuts = cutPoints(size, average, variation, new Random(seed));
          expect(cuts[0]).toBe(0);
          expect(cuts.at(-1)).toBe(size);
          for (let i = 1; i < cuts.length; i++) {
            expect(cuts[i]).toBeGreaterThan(cuts[i - 1]);
            expect(cuts[i] - cuts[i - 1]).toBeLessThanOrEqual(average + variation);
          }
        },
      ),
      { numRuns: 200, seed: 1 },
    );
  });
});
