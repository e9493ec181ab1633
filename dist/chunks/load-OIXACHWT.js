import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b}from"./chunk-SJTURLDV.js";import"./chunk-ZFMWZD4R.js";import"./chunk-V3Z3PO2J.js";import"./chunk-Y3G7RSNG.js";import"./chunk-QMNYLQN7.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-2A2OGHLI.js";import"./chunk-KEUWERVB.js";export{a as loadConfig,b as parseConfig};
//# sourceMappingURL=load-OIXACHWT.js.map
