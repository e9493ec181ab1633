import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{i as a,j as b}from"./chunk-5DFFQF77.js";import"./chunk-LAVCI66P.js";import"./chunk-HAUR2OD3.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-AISKMHMP.js";import"./chunk-KEUWERVB.js";export{b as describePlan,a as selectStages};
//# sourceMappingURL=plan-OKNXJAUE.js.map
