import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b}from"./chunk-2PC4X5JC.js";import"./chunk-T7D44CLA.js";import"./chunk-KEUWERVB.js";export{a as parseShard,b as shardConfig};
//# sourceMappingURL=shard-DIKKVDBI.js.map
