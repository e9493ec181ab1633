import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b,c}from"./chunk-P4NZWR2Q.js";import"./chunk-RCVK6FBJ.js";import"./chunk-KEUWERVB.js";export{a as RunReportError,c as parseRunReport,b as readRunReport};
//# sourceMappingURL=read-YHFGPDYM.js.map
