import { describe, expect, it } from 'vitest';
import { loadStageSchema, trafficSchema } from '../../src/load/schema.js';

/** The first issue as `path: message`, the way the config loader prints it. */
function problem(input: unknown): string {
  const result = loadStageSchema.safeParse(input);
  if (result.success) throw new Error(`expected a problem, parsed ${JSON.stringify(result.data)}`);
  const [issue] = result.error.issues;
  return `${issue.path.join('.')}: ${issue.message}`;
}

const url = 'http://127.0.0.1:8080/orders';

describe('trafficSchema', () => {
  it('normalises the url shortcut, rates per minute and defaults', () => {
    expect(trafficSchema.parse({ url, rate: '30/m' })).toEqual({
      targets: [{ url, method: 'GET', headers: {}, weight: 1 }],
      rate: 0.5,
      connections: undefined,
      ramp_up: 0,
      timeout: 10_000,
      max_in_flight: 1000,
      expect: undefined,
      tls: undefined,
      keep_alive: true,
    });
  });

  it('serialises json bodies with their content-type and uppercases the method', () => {
    const traffic = trafficSchema.parse({ target: { url, method: 'post', json: { sku: 1 } }, connections: 4, timeout: '2s', expect: { status: [201] } });
    expect(traffic.targets).toEqual([{ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":1}', weight: 1 }]);
    expect(traffic).toMatchObject({ connections: 4, timeout: 2000, expect: { status: [201] } });
  });

  it('keeps weights of a target list', () => {
    const traffic = trafficSchema.parse({
      targets: [
        { url, weight: 3 },
        { url: `${url}/x`, method: 'DELETE', headers: { 'x-n': 5 } },
      ],
      rate: '10/s',
      ramp_up: '5s',
    });
    expect(traffic.targets.map((t) => [t.method, t.weight, t.headers])).toEqual([
      ['GET', 3, {}],
      ['DELETE', 1, { 'x-n': '5' }],
    ]);
    expect(traffic.ramp_up).toBe(5000);
  });
});

describe('loadStageSchema bad input', () => {
  it('names a bad URL', () => {
    expect(problem({ url: 'localhost:8080', rate: '5/s', duration: '1s' })).toBe(
      'url: expected an http:// or https:// URL (the load generator speaks HTTP/1.1, over TLS for https), got "localhost:8080"',
    );
    expect(problem({ url: 'not a url', rate: '5/s', duration: '1s' })).toBe(
      'url: expected an http:// or https:// URL like http://127.0.0.1:8080/orders, got "not a url"',
    );
    expect(problem({ target: { url: 'ftp://example.com/' }, rate: '5/s', duration: '1s' })).toMatch(/^target\.url: expected an http:\/\/ or https:\/\/ URL/);
  });

  it('rejects a rate of 0 or a rate that is not one', () => {
    expect(problem({ url, rate: '0/s', duration: '1s' })).toBe('rate: expected a rate above 0, like 200/s, got "0/s"');
    expect(problem({ url, rate: 200, duration: '1s' })).toBe('rate: expected a rate like 200/s or 30/m (requests per second or per minute)');
    expect(problem({ url, rate: 'fast', duration: '1s' })).toBe('rate: expected a rate like 200/s or 30/m, got "fast"');
  });

  it('rejects a duration without a unit, and a missing duration', () => {
    expect(problem({ url, rate: '5/s', duration: '30' })).toBe('duration: expected a duration like 250ms, 30s or 10m, got "30"');
    expect(problem({ url, rate: '5/s' })).toBe('duration: expected a duration like 30s (or `stages`, which set it)');
    expect(problem({ url, rate: '5/s', duration: '1s', timeout: '0s' })).toBe('timeout: expected a timeout above 0, like 10s');
  });

  it('wants exactly one model and one way to name targets', () => {
    expect(problem({ url, duration: '1s' })).toBe(': expected `rate: 200/s` (open model: a fixed arrival rate) or `connections: 50` (closed model)');
    expect(problem({ url, rate: '5/s', connections: 2, duration: '1s' })).toBe(
      'connections: expected either `rate` (open model) or `connections` (closed model), not both',
    );
    expect(problem({ rate: '5/s', duration: '1s' })).toBe(': expected `url`, `target: { url, method, … }`, `targets: [ … ]` or `flow: { steps: [ … ] }`');
    expect(problem({ url, target: { url }, rate: '5/s', duration: '1s' })).toBe(
      'target: expected one of `url`, `target`, `targets`, `flow` or `flows`, not both `url` and `target`',
    );
    expect(problem({ url, connections: 2, max_in_flight: 10, duration: '1s' })).toMatch(/^max_in_flight: applies to the open model/);
    expect(problem({ url, connections: 0, duration: '1s' })).toBe('connections: expected a whole number of connections, at least 1');
  });

  it('points at the offending key inside targets', () => {
    expect(problem({ targets: [{ url }, { url, json: {}, body: 'x' }], rate: '5/s', duration: '1s' })).toBe(
      'targets.1.body: expected either `json` or `body`, not both',
    );
    expect(problem({ targets: [{ url, weight: 0 }], rate: '5/s', duration: '1s' })).toBe('targets.0.weight: expected a weight above 0');
    expect(problem({ target: { url, headers: { 'x-a': 'one\r\ntwo' } }, rate: '5/s', duration: '1s' })).toBe(
      'target.headers.x-a: expected a header value on one line',
    );
    expect(problem({ url, rate: '5/s', duration: '1s', expect: { status: [700] } })).toBe('expect.status.0: expected an HTTP status code (100-599)');
  });

  it('rejects unknown keys', () => {
    const result = loadStageSchema.safeParse({ url, rate: '5/s', duration: '1s', rps: 5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['rps'] });
  });
});
