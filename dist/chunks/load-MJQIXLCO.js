import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b}from"./chunk-Z2JQ4TKH.js";import"./chunk-ULOHEBW6.js";import"./chunk-G56BWBM6.js";import"./chunk-Y3G7RSNG.js";import"./chunk-HAUR2OD3.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-KEUWERVB.js";export{a as loadConfig,b as parseConfig};
//# sourceMappingURL=load-MJQIXLCO.js.map
