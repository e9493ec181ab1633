#!/usr/bin/env node
import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
var o=Number(process.versions.node.split(".")[0]),e=process.argv.slice(2);if(o<22)process.stderr.write(`chaos-gate needs Node.js 22 or newer (found ${process.versions.node}); the action runs on node24
`),process.exitCode=3;else if(e.length===1&&(e[0]==="--version"||e[0]==="-V"))process.stdout.write(`0.1.0
`);else{let{main:s}=await import("./chunks/main-B2BL7IOV.js");process.exitCode=await s(e),setTimeout(()=>process.exit(),2e3).unref()}
//# sourceMappingURL=cli.js.map
