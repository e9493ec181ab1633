import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
function r(e){let t=0;return i=>{if(i===void 0){t=0;return}let n=performance.now();n-t>=1e4&&(t=n,e(i))}}export{r as a};
//# sourceMappingURL=chunk-FUQO3RCF.js.map
