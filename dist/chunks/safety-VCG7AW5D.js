import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b,c}from"./chunk-6VYTA6EP.js";import"./chunk-Y3G7RSNG.js";import"./chunk-T7D44CLA.js";import"./chunk-KEUWERVB.js";export{b as REMOTE_HINT,a as checkSafety,c as isRemote};
//# sourceMappingURL=safety-VCG7AW5D.js.map
