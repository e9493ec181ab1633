import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a}from"./chunk-M427FFG5.js";import"./chunk-AISKMHMP.js";import"./chunk-KEUWERVB.js";export{a as MetricsStore};
//# sourceMappingURL=store-ODEQGABS.js.map
