// Writes schema/chaos-gate.schema.json from the zod schemas (src/config/json-schema.ts).
// test/config/json-schema.test.ts fails when the committed file drifts from them.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';

const { outputFiles } = await build({
  stdin: { contents: "export { configJsonSchema } from './src/config/json-schema.ts';", resolveDir: process.cwd(), loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  write: false,
  // Bundled CommonJS (yaml) requires Node's built-ins; an ESM data: module has no `require` of its own.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/');" },
});
const { configJsonSchema } = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
mkdirSync('schema', { recursive: true });
writeFileSync('schema/chaos-gate.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log('wrote schema/chaos-gate.schema.json');
