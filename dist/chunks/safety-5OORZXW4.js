import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b,c,d}from"./chunk-QTNTXNDX.js";import"./chunk-KRPOB5RS.js";import"./chunk-T7D44CLA.js";import"./chunk-KEUWERVB.js";export{c as REMOTE_HINT,a as checkSafety,d as isRemote,b as urlHostPort};
//# sourceMappingURL=safety-5OORZXW4.js.map
