import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{c as a,d as b}from"./chunk-VUXCGU6W.js";import"./chunk-V3Z3PO2J.js";import"./chunk-Y3G7RSNG.js";import"./chunk-YP3FUDXN.js";import"./chunk-RCVK6FBJ.js";import"./chunk-KEUWERVB.js";export{a as ProcessGroups,b as startCommand};
//# sourceMappingURL=spawn-HBSKPJLG.js.map
