import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{d as a}from"./chunk-3JTVZEIE.js";import"./chunk-VUXCGU6W.js";import"./chunk-6VYTA6EP.js";import"./chunk-SYDRFH7S.js";import"./chunk-HMIIDZYH.js";import"./chunk-V3Z3PO2J.js";import"./chunk-Y3G7RSNG.js";import"./chunk-GCT5YDEC.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-RXOZWQIU.js";import"./chunk-KEUWERVB.js";export{a as Environment};
//# sourceMappingURL=environment-SEUKCGD6.js.map
