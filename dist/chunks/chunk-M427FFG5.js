import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{i as n}from"./chunk-AISKMHMP.js";var c=class{scopes=new Map;scope(t){let e=this.scopes.get(t);return e||(e=new n,this.scopes.set(t,e)),e}collect(t,e){let r=new n;for(let[s,i]of this.scopes)(t===""||s===t||s.startsWith(`${t}.`))&&r.merge(i,e);return r}lookup(t){let e=t.lastIndexOf("."),[r,s]=e<0?["",t]:[t.slice(0,e),t.slice(e+1)];return this.collect(r,s).metrics.get(s)}trend(t,e){return this.scope(t).trend(e)}};export{c as a};
//# sourceMappingURL=chunk-M427FFG5.js.map
