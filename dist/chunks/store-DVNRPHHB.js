import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a}from"./chunk-SUTVIRFV.js";import"./chunk-AISKMHMP.js";import"./chunk-RXOZWQIU.js";import"./chunk-KEUWERVB.js";export{a as MetricsStore};
//# sourceMappingURL=store-DVNRPHHB.js.map
