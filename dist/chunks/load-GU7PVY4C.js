import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b}from"./chunk-TCJQB3BS.js";import"./chunk-PPVYKC52.js";import"./chunk-V3Z3PO2J.js";import"./chunk-Y3G7RSNG.js";import"./chunk-QMNYLQN7.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-RXOZWQIU.js";import"./chunk-KEUWERVB.js";export{a as loadConfig,b as parseConfig};
//# sourceMappingURL=load-GU7PVY4C.js.map
