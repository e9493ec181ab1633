// Bundles the action (main + post), the CLI and the typed client into dist/, which is committed:
// GitHub runs dist/ as it is, and `npx chaos-gate` runs dist/cli.js without a build step.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: {
    index: 'src/action/index.ts',
    post: 'src/action/post.ts',
    cli: 'src/cli/index.ts',
    client: 'src/client/index.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS dependencies (the actions toolkit) call require() for Node built-ins.
  banner: { js: "import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);" },
});

// Type declarations for `chaos-gate/client`.
execFileSync('tsc', ['-p', 'tsconfig.client.json'], { stdio: 'inherit' });
