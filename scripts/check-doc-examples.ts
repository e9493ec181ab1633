// Runs the `curl` examples of a docs page in order and compares each answer with the block
// written under it, so the page shows what the API really says. Start the environment the page
// names first (e.g. `npx chaos-gate serve --config examples/quickstart/chaos-gate.yml`), then:
//
//   npx node scripts/check-doc-examples.ts docs/control-api.md
//
// `…` in an expected block stands for text left out (at its end: the rest); timestamps are not compared.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: npx node scripts/check-doc-examples.ts <page.md>');
  process.exit(2);
}

const blocks = [...readFileSync(file, 'utf8').matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], text: m[2].replace(/\n$/, '') }));
const normalise = (text: string) =>
  text
    .replace(/"at":"[^"]+"/g, '"at":"…"')
    .replace(/[ \t]+$/gm, '')
    .trim();

let checked = 0;
let failed = 0;
blocks.forEach((block, i) => {
  if (block.lang !== 'sh' || !block.text.startsWith('curl ')) return;
  const actual = normalise(execFileSync('bash', ['-c', block.text], { encoding: 'utf8' }));
  const next = blocks[i + 1];
  checked += 1;
  if (!next || !['json', 'text'].includes(next.lang)) return;
  const expected = normalise(next.text);
  // `…` stands for any text: at the end, the rest of the answer; inside, a part left out.
  const pattern = new RegExp(
    `^${expected
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\S]*?')}${expected.endsWith('…') ? '' : '$'}`,
  );
  const ok = pattern.test(actual);
  if (!ok) {
    failed += 1;
    console.error(`✘ ${block.text}\n  expected: ${expected}\n  actual:   ${actual}\n`);
  }
});
console.log(`${checked} commands run, ${failed} answers differ from ${file}`);
process.exit(failed === 0 ? 0 : 1);
