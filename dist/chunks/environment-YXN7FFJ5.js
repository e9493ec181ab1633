import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{c as a}from"./chunk-FI62MAQD.js";import"./chunk-BY5SL24G.js";import"./chunk-QTNTXNDX.js";import"./chunk-LAVCI66P.js";import"./chunk-H3I54ITI.js";import"./chunk-EYY2VX5K.js";import"./chunk-KRPOB5RS.js";import"./chunk-HAUR2OD3.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-KEUWERVB.js";export{a as Environment};
//# sourceMappingURL=environment-YXN7FFJ5.js.map
