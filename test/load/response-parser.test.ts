import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseParseError, ResponseParser } from '../../src/load/response-parser.js';

/** Feeds `text` in the given pieces; returns the piece index where the response completed, or -1. */
function feed(parser: ResponseParser, pieces: string[]): number {
  for (const [i, piece] of pieces.entries()) if (parser.execute(Buffer.from(piece, 'latin1'))) return i;
  return -1;
}

function parse(text: string, headRequest = false): ResponseParser {
  const parser = new ResponseParser();
  parser.reset(headRequest);
  expect(feed(parser, [text])).toBe(0);
  return parser;
}

const responses = {
  length: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello',
  chunked: 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nA;ext=1\r\n0123456789\r\n0\r\nX-Trailer: y\r\n\r\n',
  interim: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n',
  noContent: 'HTTP/1.1 204 No Content\r\n\r\n',
  close: 'HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno',
};

describe('ResponseParser', () => {
  it('reads status and keep-alive of complete responses', () => {
    expect(parse(responses.length)).toMatchObject({ status: 200, keepAlive: true });
    expect(parse(responses.chunked)).toMatchObject({ status: 201, keepAlive: true });
    expect(parse(responses.interim)).toMatchObject({ status: 503, keepAlive: true });
    expect(parse(responses.noContent)).toMatchObject({ status: 204, keepAlive: true });
    expect(parse(responses.close)).toMatchObject({ status: 429, keepAlive: false });
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ keepAlive: false });
    expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ keepAlive: true });
  });

  it('does not wait for a body after HEAD', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n', true)).toMatchObject({ status: 200, keepAlive: true });
  });

  it('waits for the whole body and reads a body without length until close', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    expect(feed(parser, ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345'])).toBe(-1);
    expect(feed(parser, ['67890'])).toBe(0);

    parser.reset(false);
    expect(feed(parser, ['HTTP/1.1 200 OK\r\n\r\nsome bytes', 'more'])).toBe(-1);
    expect(parser.end()).toBe(true);
    expect(parser).toMatchObject({ status: 200, keepAlive: false });
  });

  it('an end before the response is complete is not a response', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    feed(parser, ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n123']);
    expect(parser.end()).toBe(false);
  });

  it('completes exactly at the last byte however the bytes are split', () => {
    const all = Object.values(responses);
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const points = [...new Set(cuts.map((c) => c % text.length))].sort((a, b) => a - b);
        const pieces = [0, ...points].map((from, i) => text.slice(from, [...points, text.length][i])).filter((p) => p.length > 0);
        const parser = new ResponseParser();
        parser.reset(false);
        return feed(parser, pieces) === pieces.length - 1;
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('rejects what is not HTTP/1.x', () => {
    const parser = new ResponseParser();
    parser.reset(false);
    expect(() => parser.execute(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(ResponseParseError);
    parser.reset(false);
    expect(() => parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))).toThrow(/bad chunk size/);
    parser.reset(false);
    expect(() => parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'))).toThrow(/bad content-length/);
  });
});
