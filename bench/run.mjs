// `npm run bench [name...]`: bundles each bench/<name>.bench.ts with esbuild and runs it on this
// Node (24, from node_modules/.bin). Each bench prints its figures and ratios against its peer.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const wanted = process.argv.slice(2);
const benches = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .filter((name) => wanted.length === 0 || wanted.includes(name));
if (benches.length === 0) {
  console.error(`no bench named ${wanted.join(', ')}; have: ${readdirSync('bench').join(', ')}`);
  process.exit(2);
}
for (const name of benches) {
  const outfile = `.tmp/bench/${name}.mjs`;
  await build({
    entryPoints: [`bench/${name}.bench.ts`],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    logLevel: 'warning',
  });
  console.log(`\n## bench: ${name}`);
  execFileSync(process.execPath, [outfile], { stdio: 'inherit' });
}
