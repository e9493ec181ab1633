import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{c as a,d as b}from"./chunk-BY5SL24G.js";import"./chunk-EYY2VX5K.js";import"./chunk-KRPOB5RS.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-KEUWERVB.js";export{a as ProcessGroups,b as startCommand};
//# sourceMappingURL=spawn-3FB7WIU5.js.map
