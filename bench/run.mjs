// `npm run bench [name...]`: bundles each bench/<name>.bench.ts with esbuild and runs it on this
// Node (24, from node_modules/.bin). Each bench prints its figures and ratios against its peer.
// `peers` comes first: chaos-gate as users run it, each peer its own process (the first table);
// the others measure parts of chaos-gate inside one process (the second table).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const wanted = process.argv.slice(2);
const benches = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort((a, b) => (a === 'peers' ? -1 : b === 'peers' ? 1 : a.localeCompare(b)));
if (benches.length === 0) {
  console.error(`no bench named ${wanted.join(', ')}; have: ${readdirSync('bench').join(', ')}`);
  process.exit(2);
}
let inProcessHeading = false;
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
  if (name === 'peers') console.log('\n# table 1: as users run it (chaos-gate and each peer as its own process)');
  else if (!inProcessHeading) {
    inProcessHeading = true;
    console.log('\n# table 2: in-process figures (parts of chaos-gate inside one process)');
  }
  console.log(`\n## bench: ${name}`);
  execFileSync(process.execPath, [outfile], { stdio: 'inherit' });
}
