import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b,c,d}from"./chunk-YP3FUDXN.js";import"./chunk-KEUWERVB.js";export{a as MAX_TIMER_MS,d as formatDuration,c as parseDuration,b as timerRangeProblem};
//# sourceMappingURL=duration-KQ2QAQNP.js.map
