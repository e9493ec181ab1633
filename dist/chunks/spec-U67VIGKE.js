import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b}from"./chunk-BURW24S2.js";import"./chunk-T7D44CLA.js";import"./chunk-KEUWERVB.js";export{b as describeSpec,a as parseOutSpecs};
//# sourceMappingURL=spec-U67VIGKE.js.map
