/**
 * What a user waits for before chaos-gate does anything: the JavaScript each entry loads, and
 * how long the CLI takes to start, each as its own process, against `node -e 0` in the same run.
 *
 *   this process ──spawn──► node -e 0 | node dist/cli.js --version | node dist/cli.js --help
 *                           (the same for a base ref's dist/, extracted with git archive)
 *
 * - loads: the bytes of an entry and every chunk it imports statically (what Node reads and
 *   compiles before the first line runs); chunks imported with import() are counted apart.
 *   Targets: the action's main step ≤ 2.5 MiB, its post step ≤ 50 KiB.
 * - start: wall time from spawn to exit. Rounds alternate the subjects so load on the machine
 *   falls on each alike; medians with min–max. Target: `--version` ≤ 1.5× `node -e 0`.
 * - base: CHAOS_GATE_BENCH_BASE=<git ref> (default: the last commit before the lean bundle) is
 *   measured beside the working tree's dist/, as "before"; `CHAOS_GATE_BENCH_BASE=` skips it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROUNDS = 21;
/** The commit before the lean bundle (6.8 MB main step, `--version` loading the whole CLI). */
const DEFAULT_BASE = '6b5f6bc';
const MB = 1024 * 1024;

interface Dist {
  label: string;
  dir: string;
}

function extractBase(ref: string): Dist | string {
  const dir = resolve('.tmp/bench/base', ref.replace(/[^\w.-]/g, '_'));
  try {
    if (!existsSync(join(dir, 'dist/cli.js'))) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const tar = execFileSync('git', ['archive', '--format=tar', ref, 'dist'], { maxBuffer: 256 * MB, stdio: ['ignore', 'pipe', 'pipe'] });
      execFileSync('tar', ['-x', '-C', dir], { input: tar });
    }
    return { label: `before (${ref})`, dir: join(dir, 'dist') };
  } catch (error) {
    return `base ${ref} not measured: ${
      String((error as { stderr?: Buffer }).stderr ?? error)
        .trim()
        .split('\n')[0]
    }`;
  }
}

/** Relative chunk imports of a bundled ESM file: static (`import … from "./x.js"`, `import "./x.js"`) and dynamic (`import("./x.js")`). */
function importsOf(file: string): { statics: string[]; dynamics: string[] } {
  const text = readFileSync(file, 'utf8');
  // A bundle may hold such text in a string (an example); only files that are there count.
  const found = (re: RegExp) => [...text.matchAll(re)].map((m) => resolve(dirname(file), m[1])).filter((f) => existsSync(f));
  return { statics: found(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+\.js)["']/g), dynamics: found(/\bimport\(\s*["'](\.{1,2}\/[^"']+\.js)["']\s*\)/g) };
}

/** Bytes loaded before the entry's first line runs, and the bytes it may load later with import(). */
function loads(entry: string): { eager: number; lazy: number } {
  const eager = new Set<string>();
  const lazy = new Set<string>();
  const visit = (file: string, into: Set<string>) => {
    if (into.has(file) || eager.has(file)) return;
    into.add(file);
    const { statics, dynamics } = importsOf(file);
    for (const s of statics) visit(s, into);
    for (const d of dynamics) visit(d, lazy);
  };
  visit(entry, eager);
  for (const file of eager) lazy.delete(file);
  const bytes = (files: Set<string>) => [...files].reduce((sum, f) => sum + statSync(f).size, 0);
  return { eager: bytes(eager), lazy: bytes(lazy) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const size = (bytes: number) => (bytes >= MB ? `${(bytes / MB).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`);

const baseRef = process.env.CHAOS_GATE_BENCH_BASE ?? DEFAULT_BASE;
const dists: Dist[] = [];
const notes: string[] = [];
if (baseRef !== '') {
  const base = extractBase(baseRef);
  if (typeof base === 'string') notes.push(base);
  else dists.push(base);
}
dists.push({ label: 'now (dist/)', dir: resolve('dist') });

console.log(`Node ${process.version}; ${ROUNDS} rounds; loads = entry + chunks imported statically (+ import() chunks, loaded later)`);
console.log('\nloads                          main step (index.js)          post step (post.js)   cli --version (cli.js)');
for (const d of dists) {
  const cells = ['index.js', 'post.js', 'cli.js'].map((f) => {
    const { eager, lazy } = loads(join(d.dir, f));
    return `${size(eager)}${lazy > 0 ? ` (+${size(lazy)} later)` : ''}`;
  });
  console.log(`${d.label.padEnd(30)} ${cells[0].padEnd(29)} ${cells[1].padEnd(21)} ${cells[2]}`);
}
console.log('targets                        ≤ 2.50 MiB                    ≤ 50.0 KiB');

interface Subject {
  label: string;
  args: string[];
}
const subjects: Subject[] = [{ label: 'node -e 0', args: ['-e', '0'] }];
for (const d of dists) {
  subjects.push({ label: `${d.label} cli --version`, args: [join(d.dir, 'cli.js'), '--version'] });
  subjects.push({ label: `${d.label} cli --help`, args: [join(d.dir, 'cli.js'), '--help'] });
}
const times = new Map<Subject, number[]>(subjects.map((s) => [s, []]));
// One warm-up of each (file cache), then rounds in alternating order.
for (const s of subjects) spawnSync(process.execPath, s.args, { stdio: 'ignore' });
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? subjects : [...subjects].reverse();
  for (const s of order) {
    const t0 = performance.now();
    const ran = spawnSync(process.execPath, s.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = performance.now() - t0;
    if (ran.status !== 0) throw new Error(`${s.label} exited ${ran.status}: ${ran.stderr}`);
    times.get(s)!.push(ms);
  }
}
const nodeMedian = median(times.get(subjects[0])!);
console.log('\nstart (spawn to exit)                      median     min–max           × node -e 0');
for (const s of subjects) {
  const t = times.get(s)!;
  const m = median(t);
  console.log(
    `${s.label.padEnd(42)} ${`${m.toFixed(1)} ms`.padStart(9)}  ${`${Math.min(...t).toFixed(1)}–${Math.max(...t).toFixed(1)} ms`.padEnd(17)} ${(m / nodeMedian).toFixed(2)}×`,
  );
}
console.log('target: cli --version ≤ 1.50× node -e 0');
for (const note of notes) console.log(`note: ${note}`);
