import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b}from"./chunk-FGIH4NGC.js";import"./chunk-HICVAN3T.js";import"./chunk-LWHUNY7C.js";import"./chunk-V3Z3PO2J.js";import"./chunk-Y3G7RSNG.js";import"./chunk-QMNYLQN7.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-QVLMS3GG.js";import"./chunk-KEUWERVB.js";export{a as loadConfig,b as parseConfig};
//# sourceMappingURL=load-SPC7N64J.js.map
