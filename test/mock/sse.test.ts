import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/mock/server.js';
import { registry, startMock } from './helpers.js';

const mocks = registry();
let mock: MockServer;

const chunk = (content: string) => ({ choices: [{ delta: { content } }] });

beforeAll(async () => {
  mock = await startMock(mocks, {
    name: 'llm',
    routes: [
      {
        name: 'stream',
        request: { method: 'POST', path: '/v1/chat/completions' },
        respond: [
          { sse: { events: [{ data: chunk('Hel') }, { data: chunk('lo') }, '[DONE]'], interval: '100ms' }, times: 1 },
          { sse: { events: [{ data: chunk('Hel') }, { data: chunk('lo') }, { data: chunk('!') }, '[DONE]'], interval: '20ms', cut_after: 2 } },
        ],
      },
      { name: 'anthropic', request: { path: '/v1/messages' }, respond: { sse: { events: [{ event: 'message_start', id: '1', data: 'line one\nline two' }] } } },
    ],
  });
});
afterAll(() => mocks.closeAll());

/** Reads a streamed body, noting when each piece arrived (ms since the request); rejects when the stream breaks. */
async function readStream(path: string): Promise<{ status: number; contentType: string | null; pieces: { at: number; text: string }[]; error?: Error }> {
  const started = performance.now();
  const response = await fetch(mock.url + path, { method: 'POST' });
  const pieces: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  try {
    for await (const bytes of response.body!) pieces.push({ at: performance.now() - started, text: decoder.decode(bytes as Uint8Array) });
  } catch (error) {
    return { status: response.status, contentType: response.headers.get('content-type'), pieces, error: error as Error };
  }
  return { status: response.status, contentType: response.headers.get('content-type'), pieces };
}

describe('Server-Sent Events', () => {
  it('streams events one interval apart, as an LLM API does', async () => {
    const { status, contentType, pieces, error } = await readStream('/v1/chat/completions');
    expect([status, contentType, error]).toEqual([200, 'text/event-stream', undefined]);
    const text = pieces.map((p) => p.text).join('');
    expect(text).toBe(`data: ${JSON.stringify(chunk('Hel'))}\n\n` + `data: ${JSON.stringify(chunk('lo'))}\n\n` + 'data: [DONE]\n\n');
    // Three events 100 ms apart: the last cannot arrive before 200 ms, and they came in pieces.
    expect(pieces.at(-1)!.at).toBeGreaterThanOrEqual(195);
    expect(pieces.length).toBeGreaterThanOrEqual(2);
  });

  it('cuts the stream after N events: the client gets them, then a broken body', async () => {
    const { pieces, error } = await readStream('/v1/chat/completions');
    expect(pieces.map((p) => p.text).join('')).toBe(`data: ${JSON.stringify(chunk('Hel'))}\n\n` + `data: ${JSON.stringify(chunk('lo'))}\n\n`);
    expect(error?.message).toMatch(/terminated/);
  });

  it('writes event names, ids and multi-line data', async () => {
    const { pieces } = await readStream('/v1/messages');
    expect(pieces.map((p) => p.text).join('')).toBe('event: message_start\nid: 1\ndata: line one\ndata: line two\n\n');
  });
});
