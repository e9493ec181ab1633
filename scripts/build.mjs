// Bundles the action (main + post), the CLI and the typed client into dist/, which is committed:
// GitHub runs dist/ as it is, and `npx chaos-gate` runs dist/cli.js without a build step, so the
// published package has no dependencies. Minified, with source maps beside each file (Node reads
// them only under --enable-source-maps), and dist/licenses.txt for every package bundled.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectLicenses } from './licenses.mjs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

rmSync('dist', { recursive: true, force: true });

/** zod re-exports its ~40 message locales as `z.locales`; nothing here uses them (English is built in). */
const zodWithoutLocales = {
  name: 'zod-without-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/')
        ? { path: 'zod/locales (en only)', namespace: 'zod-locales', pluginData: join(args.resolveDir, '../locales') }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: 'export { default as en } from "./en.js";', resolveDir: args.pluginData }));
  },
};

/**
 * Packages are taken as free of side effects, so tree shaking drops what is not called: the post
 * step needs two functions of @actions/core, not the HTTP client (undici) that it imports.
 */
const unusedPackagesDropped = {
  name: 'unused-packages-dropped',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.resolving || args.path.startsWith('node:')) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { resolving: true } });
      if (resolved.errors.length > 0 || resolved.external) return resolved;
      return { path: resolved.path, sideEffects: false };
    });
  },
};

/**
 * hdr-histogram-js carries a WebAssembly build (a 39 KB base64 string and its loader); chaos-gate
 * builds every histogram with useWebAssembly: false, so its place takes a module that says so.
 */
const hdrHistogramWithoutWasm = {
  name: 'hdr-histogram-without-wasm',
  setup(b) {
    b.onResolve({ filter: /^\.\/wasm$/ }, (args) =>
      args.importer.includes('/node_modules/hdr-histogram-js/') ? { path: 'hdr-histogram-js-wasm', namespace: 'hdr-without-wasm' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'hdr-without-wasm' }, () => ({
      // The same exports; hdr-histogram-js extends WasmHistogram's prototype and tests instanceof it.
      contents: `const off = () => { throw new Error('chaos-gate is bundled without the WebAssembly build of hdr-histogram-js; use useWebAssembly: false'); };
class WasmHistogram { static build() { off(); } static decode() { off(); } }
module.exports = { webAssemblyAvailable: false, webAssemblyReady: () => false, initWebAssembly: off, initWebAssemblySync: off, WasmHistogram };`,
      loader: 'js',
    }));
  },
};

/**
 * dist/'s source maps point at the package files as bundled, not through the packages' own maps
 * (some point at sources the package does not ship), so every mapped line is a file in node_modules.
 */
const packageMapsNotFollowed = {
  name: 'package-maps-not-followed',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(/^\/\/# sourceMappingURL=.*$/gm, ''),
      loader: 'js',
    }));
  },
};

const common = {
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  charset: 'utf8',
  // A package's ES module build where it has one (protobuf-ts, async, junit-report-builder): tree shaking works on it.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  define: { CHAOS_GATE_VERSION: JSON.stringify(version) },
  // Bundled CommonJS dependencies (the actions toolkit) call require() for Node built-ins.
  banner: { js: "import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);" },
};

const results = await Promise.all([
  build({
    ...common,
    entryPoints: { index: 'src/action/index.ts', cli: 'src/cli/index.ts', client: 'src/client/index.ts' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [zodWithoutLocales, hdrHistogramWithoutWasm, packageMapsNotFollowed],
  }),
  // Apart, so that it shares no chunk with the main step: it runs after every job, and stays small.
  build({ ...common, entryPoints: { post: 'src/action/post.ts' }, plugins: [unusedPackagesDropped, packageMapsNotFollowed] }),
]);

collectLicenses(
  results.map((r) => r.metafile),
  'dist/licenses.txt',
);

// Type declarations for `chaos-gate/client`.
execFileSync('tsc', ['-p', 'tsconfig.client.json'], { stdio: 'inherit' });
