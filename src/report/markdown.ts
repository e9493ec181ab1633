/**
 * GitHub-flavoured markdown built so untrusted text (test names, failure messages, stage output)
 * can never act as markup: no @mention, no raw HTML, no `|` ending a table cell, no fence ending
 * a code block early. Everything the summary prints goes through one of these.
 */

// Characters that start inline markup in GFM (emphasis, links, code, HTML, tables, strikethrough,
// entities, math). A backslash before any ASCII punctuation is a literal in CommonMark.
const INLINE_MARKUP = /[\\`*_[\]<>|~&$]/g;
// GitHub links `@user` / `@org/team` and `#123` when the name follows directly; a zero-width space
// in between keeps the text readable and stops the notification and the cross-reference.
const MENTION = /[@#](?=[A-Za-z0-9])/g;
const ZERO_WIDTH_SPACE = '\u200b';
// Control characters (except tab, newline and carriage return, handled as whitespace) and bidi
// overrides that could disguise what a reader sees.
const INVISIBLE = /(?![\t\n\r])\p{Cc}|[\u202a-\u202e\u2066-\u2069]/gu;

/** One line of plain text safe anywhere inline, including a table cell; cut to `max` characters. */
export function text(value: string, max = 300): string {
  const flat = value.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  return clip(flat, max).replace(INLINE_MARKUP, '\\$&').replace(MENTION, `$&${ZERO_WIDTH_SPACE}`);
}

/** A fenced code block that holds `content` verbatim: the fence is longer than any backtick run inside. */
export function codeBlock(content: string, language = ''): string {
  const body = content.replace(INVISIBLE, '').replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const longestRun = Math.max(0, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}

/** A table; every cell must already be safe (from `text` or our own markup without `|` or newlines). */
export function table(headers: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const rule = headers.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [headers, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Cuts to at most `max` characters, marking the cut with an ellipsis. */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, Math.max(0, max - 1)).replace(/[\ud800-\udbff]$/, '')}…`;
}
