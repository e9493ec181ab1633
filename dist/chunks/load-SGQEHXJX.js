import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b}from"./chunk-RGSP6KEL.js";import"./chunk-H3I54ITI.js";import"./chunk-EYY2VX5K.js";import"./chunk-KRPOB5RS.js";import"./chunk-HAUR2OD3.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-KEUWERVB.js";export{a as loadConfig,b as parseConfig};
//# sourceMappingURL=load-SGQEHXJX.js.map
