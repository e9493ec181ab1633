import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{d as a}from"./chunk-3NS5JEF3.js";import"./chunk-VUXCGU6W.js";import"./chunk-6VYTA6EP.js";import"./chunk-DNXJ6NWI.js";import"./chunk-DA5KP2XI.js";import"./chunk-V3Z3PO2J.js";import"./chunk-Y3G7RSNG.js";import"./chunk-4SUWEGCK.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-RXOZWQIU.js";import"./chunk-KEUWERVB.js";export{a as Environment};
//# sourceMappingURL=environment-EFCVQZBS.js.map
