// Fails when the committed dist/ differs from a fresh build of src/ (GitHub runs dist/ as it is).
import { execFileSync } from 'node:child_process';

execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
const changed = execFileSync('git', ['status', '--porcelain', '--', 'dist'], { encoding: 'utf8' }).trim();
if (changed) {
  console.error(`dist/ differs from a fresh build of src/; run \`npm run build\` and commit dist/:\n${changed}`);
  process.exit(1);
}
