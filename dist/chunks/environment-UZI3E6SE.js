import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{d as a}from"./chunk-5RFRRNZ5.js";import"./chunk-VUXCGU6W.js";import"./chunk-6VYTA6EP.js";import"./chunk-T6ZK7ZEC.js";import"./chunk-PPVYKC52.js";import"./chunk-V3Z3PO2J.js";import"./chunk-Y3G7RSNG.js";import"./chunk-QMNYLQN7.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-RXOZWQIU.js";import"./chunk-KEUWERVB.js";export{a as Environment};
//# sourceMappingURL=environment-UZI3E6SE.js.map
