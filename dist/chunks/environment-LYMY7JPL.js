import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{b as a}from"./chunk-2HHADNDE.js";import"./chunk-QSHTS2RX.js";import"./chunk-PG6ITUWZ.js";import"./chunk-CAUBB4KX.js";import"./chunk-T7D44CLA.js";import"./chunk-QOQFIMFG.js";import"./chunk-L4NVGJ6X.js";import"./chunk-TJ3PY64H.js";import"./chunk-UCSSIVVO.js";import"./chunk-RCVK6FBJ.js";import"./chunk-KEUWERVB.js";export{a as Environment};
//# sourceMappingURL=environment-LYMY7JPL.js.map
