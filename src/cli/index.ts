#!/usr/bin/env node
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
// Every listener is closed by now; a stray handle in a dependency must not hold the terminal.
setTimeout(() => process.exit(), 2000).unref();
