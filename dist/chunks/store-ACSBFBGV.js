import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a}from"./chunk-77AJYVWR.js";import"./chunk-AISKMHMP.js";import"./chunk-QVLMS3GG.js";import"./chunk-KEUWERVB.js";export{a as MetricsStore};
//# sourceMappingURL=store-ACSBFBGV.js.map
