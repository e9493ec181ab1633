import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { mockFaultSchema, mockSchema } from '../../src/mock/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'mock-schema-'));
writeFileSync(join(dir, 'reply.json'), '{"ok":true}');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The issues of parsing a mock, as `path: message` lines; a union is told by the branch of the value's shape, as the config loader does. */
function problems(mock: unknown): string[] {
  const result = mockSchema(dir).safeParse(mock);
  return result.success ? [] : result.error.issues.flatMap(shaped).map((i) => `${i.path.join('.')}: ${i.message}`);
}

function shaped(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const branches = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (branches.length !== 1) return [issue];
  return branches[0].flatMap((inner) => shaped({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue));
}

const base = { name: 'llm', listen: '127.0.0.1:18080' };

describe('mockSchema', () => {
  it('accepts the DESIGN.md shape and normalises a single respond object to a list', () => {
    const parsed = mockSchema(dir).parse({
      ...base,
      routes: [
        {
          request: { method: 'post', path: '/v1/chat/completions' },
          respond: [
            { status: 503, times: 1 },
            { status: 200, json: { choices: [{ message: { content: 'ok' } }] } },
          ],
        },
        { request: { path: '/health' }, respond: { body: 'up' } },
      ],
    });
    expect(parsed.routes[0].request.method).toBe('POST');
    expect(parsed.routes[0].respond.map((r) => r.status)).toEqual([503, 200]);
    expect(parsed.routes[1].respond).toEqual([{ status: 200, body: 'up' }]);
    expect(parsed.seed).toBe(1);
  });

  it('turns durations into milliseconds and resolves body files from the base directory', () => {
    const parsed = mockSchema(dir).parse({
      ...base,
      routes: [{ respond: { body_file: 'reply.json', delay: { min: '10ms', max: '1s' }, dribble: { chunks: 4, duration: '2s' } } }],
    });
    const entry = parsed.routes[0].respond[0];
    expect(entry.body_file).toBe(join(dir, 'reply.json'));
    expect(entry.delay).toEqual({ min: 10, max: 1000 });
    expect(entry.dribble).toEqual({ chunks: 4, duration: 2000 });
  });

  it('names the key of a route with no response', () => {
    expect(problems({ ...base, routes: [{ request: { path: '/a' } }] })).toEqual([
      'routes.0.respond: expected a response ({ status, json }) or a list of them',
    ]);
    expect(problems({ ...base, routes: [{ request: { path: '/a' }, respond: [] }] })).toEqual(['routes.0.respond: expected at least one response']);
  });

  it('reports a bad regex at its key with the engine’s reason', () => {
    const [problem] = problems({ ...base, routes: [{ request: { path: { regex: '^/v1/(items' } }, respond: { status: 200 } }] });
    expect(problem).toMatch(/^routes\.0\.request\.path\.regex: expected a valid regular expression: .*unterminated group/i);
    const [header] = problems({ ...base, routes: [{ request: { headers: { auth: { regex: '[' } } }, respond: { status: 200 } }] });
    expect(header).toMatch(/^routes\.0\.request\.headers\.auth\.regex: expected a valid regular expression/);
  });

  it('lists the faults when one is unknown', () => {
    expect(problems({ ...base, routes: [{ respond: { fault: 'explode' } }] })).toEqual([
      'routes.0.respond.fault: expected a fault: reset, empty, malformed, random_then_close, hang',
    ]);
  });

  it('reports a body file that does not exist at its key', () => {
    const [problem] = problems({ ...base, routes: [{ respond: [{ status: 200 }, { body_file: 'missing.json' }] }] });
    expect(problem).toBe(`routes.0.respond.1.body_file: expected an existing file; ${join(dir, 'missing.json')} does not exist`);
    expect(problems({ ...base, routes: [{ respond: { body_file: '.' } }] })[0]).toMatch(/body_file: expected a file; .* is not a regular file/);
  });

  it('refuses two bodies, unknown templates, params the path lacks, and a probability without a fault', () => {
    expect(problems({ ...base, routes: [{ respond: { json: {}, body: 'x' } }] })).toEqual([
      'routes.0.respond.body: expected one body: json and body both given',
    ]);
    expect(problems({ ...base, routes: [{ respond: { body: 'hi {{request.nope}}' } }] })[0]).toMatch(
      /^routes\.0\.respond\.body: unknown template \{\{request\.nope\}\}; expected \{\{request\.params\.NAME\}\}/,
    );
    expect(problems({ ...base, routes: [{ respond: { json: { a: ['{{request.cookie}}'] } } }] })[0]).toMatch(
      /^routes\.0\.respond\.json\.a\.0: unknown template/,
    );
    expect(problems({ ...base, routes: [{ request: { path: '/items/{id}' }, respond: { body: '{{request.params.idd}}' } }] })).toEqual([
      'routes.0.respond.0: {{request.params.idd}} is not a path parameter; the path has {id}',
    ]);
    expect(problems({ ...base, routes: [{ respond: { status: 200, probability: 0.5 } }] })[0]).toMatch(
      /^routes\.0\.respond\.probability: probability is the chance of `fault`/,
    );
  });

  it('points at the offending key for paths, statuses, delays, headers and SSE', () => {
    expect(problems({ ...base, routes: [{ request: { path: 'v1' }, respond: { status: 200 } }] })).toEqual([
      'routes.0.request.path: expected a path starting with /',
    ]);
    expect(problems({ ...base, routes: [{ respond: { status: 99 } }] })).toEqual(['routes.0.respond.status: expected an HTTP status code from 200 to 599']);
    expect(problems({ ...base, routes: [{ respond: { delay: 'soon' } }] })[0]).toMatch(/^routes\.0\.respond\.delay: /);
    expect(problems({ ...base, routes: [{ respond: { headers: { 'bad header': 'x' } } }] })).toEqual([
      'routes.0.respond.headers.bad header: expected a header name of letters, digits and -',
    ]);
    expect(problems({ ...base, routes: [{ respond: { sse: { events: ['a'], cut_after: 2 } } }] })).toEqual([
      'routes.0.respond.sse.cut_after: expected at most 1 (the number of events)',
    ]);
    expect(problems({ ...base, routes: [{ respond: { statu: 200 } }] })[0]).toMatch(/^routes\.0\.respond: /);
  });

  it('refuses duplicate route names at the second one', () => {
    expect(
      problems({
        ...base,
        routes: [
          { name: 'a', respond: {} },
          { name: 'a', respond: {} },
        ],
      }),
    ).toEqual(['routes.1.name: duplicate route name "a" (also routes[0])']);
  });
});

describe('mockFaultSchema', () => {
  it('accepts a route-targeted status and numbers as milliseconds', () => {
    expect(mockFaultSchema.parse({ route: 'chat', status: 503, times: 2 })).toEqual({ route: 'chat', status: 503, times: 2 });
    expect(mockFaultSchema.parse({ delay: 250 })).toEqual({ delay: 250 });
    expect(mockFaultSchema.parse({ delay: '2s', probability: 0.5, seed: 7 })).toEqual({ delay: 2000, probability: 0.5, seed: 7 });
  });

  it('needs an effect and keeps rate_limit apart from content', () => {
    expect(mockFaultSchema.safeParse({ route: 'chat' }).error?.issues[0].message).toMatch(/^expected an effect/);
    const clash = mockFaultSchema.safeParse({ rate_limit: { rps: 1 }, status: 503 }).error?.issues[0];
    expect([clash?.path, clash?.message]).toEqual([['status'], 'rate_limit answers 429 past the rate; it combines with delay only']);
  });
});
