import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeBlock, table, text } from '../../src/report/markdown.js';
import { markdownProblems } from './markdown-check.js';

// Strings rich in the characters that matter: markup, pipes, backticks, mentions, newlines.
const hostile = fc.string({
  unit: fc.constantFrom('a', ' ', '|', '`', '@', '<', '>', '\\', '\n', '*', '_', '[', ']', '&', '#', '1', '\u202e', 'é', '🔥'),
  maxLength: 80,
});

describe('text', () => {
  it('escapes markup, breaks mentions and issue references, and flattens newlines', () => {
    expect(text('hi @octocat, see #12 <b>x</b> | `y`\nnext')).toBe('hi @\u200boctocat, see #\u200b12 \\<b\\>x\\</b\\> \\| \\`y\\` next');
  });

  it('clips long text with an ellipsis', () => {
    expect(text('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('drops bidi overrides and control characters that could disguise text', () => {
    expect(text('abc\u202eevil\u0007')).toBe('abcevil');
  });

  it('keeps any string to one table cell with no live markup (property)', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const md = table(['first', 'second'], [[text(a), text(b)]]);
        expect(md.split('\n')).toHaveLength(3);
        expect(markdownProblems(md)).toEqual([]);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('codeBlock', () => {
  it('holds any content verbatim and closes where it should (property)', () => {
    fc.assert(
      fc.property(hostile, (content) => {
        const block = codeBlock(content, 'text');
        expect(markdownProblems(`${block}\n\nafter`)).toEqual([]);
        const lines = block.split('\n');
        const fence = lines[0].replace(/text$/, '');
        // The only line that closes the fence is the last one.
        expect(lines.slice(1, -1).some((l) => l.trim().startsWith(fence))).toBe(false);
        expect(lines.at(-1)).toBe(fence);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});
