#!/usr/bin/env node
/**
 * The `chaos-gate` command. Two answers come before anything else is loaded: a Node too old for
 * the rest (which would otherwise die on a missing API with a TypeError), and `--version`, which
 * then costs no more than starting Node. Hence no static import here: the CLI is loaded after.
 */
declare const CHAOS_GATE_VERSION: string | undefined;

const MIN_NODE_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);
const args = process.argv.slice(2);

if (major < MIN_NODE_MAJOR) {
  process.stderr.write(`chaos-gate needs Node.js ${MIN_NODE_MAJOR} or newer (found ${process.versions.node}); the action runs on node24\n`);
  process.exitCode = 3;
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${typeof CHAOS_GATE_VERSION === 'string' ? CHAOS_GATE_VERSION : 'dev'}\n`);
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(args);
  // Every listener is closed by now; a stray handle in a dependency must not hold the terminal.
  setTimeout(() => process.exit(), 2000).unref();
}
