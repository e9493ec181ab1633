import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a}from"./chunk-6RIHWOVF.js";import"./chunk-AISKMHMP.js";import"./chunk-2A2OGHLI.js";import"./chunk-KEUWERVB.js";export{a as MetricsStore};
//# sourceMappingURL=store-HH6BQP33.js.map
