import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{c as a,d as b}from"./chunk-QOQFIMFG.js";import"./chunk-L4NVGJ6X.js";import"./chunk-TJ3PY64H.js";import"./chunk-UCSSIVVO.js";import"./chunk-RCVK6FBJ.js";import"./chunk-KEUWERVB.js";export{a as ProcessGroups,b as startCommand};
//# sourceMappingURL=spawn-USRRZKUC.js.map
