import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{d as a}from"./chunk-I6YYTWYE.js";import"./chunk-X7DFZZKP.js";import"./chunk-6VYTA6EP.js";import"./chunk-LAVCI66P.js";import"./chunk-ULOHEBW6.js";import"./chunk-G56BWBM6.js";import"./chunk-Y3G7RSNG.js";import"./chunk-HAUR2OD3.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-KEUWERVB.js";export{a as Environment};
//# sourceMappingURL=environment-WVEMGYYC.js.map
