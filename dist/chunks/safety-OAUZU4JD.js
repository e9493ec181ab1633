import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b,c}from"./chunk-QSHTS2RX.js";import"./chunk-T7D44CLA.js";import"./chunk-TJ3PY64H.js";import"./chunk-KEUWERVB.js";export{b as REMOTE_HINT,a as checkSafety,c as isRemote};
//# sourceMappingURL=safety-OAUZU4JD.js.map
