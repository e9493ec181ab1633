import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{i as a,j as b}from"./chunk-MBDF52CM.js";import"./chunk-CAUBB4KX.js";import"./chunk-T7D44CLA.js";import"./chunk-AISKMHMP.js";import"./chunk-UCSSIVVO.js";import"./chunk-KEUWERVB.js";export{b as describePlan,a as selectStages};
//# sourceMappingURL=plan-5A5LWVK2.js.map
