import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{i as a,j as b}from"./chunk-S3GJBQEF.js";import"./chunk-SYDRFH7S.js";import"./chunk-AGUGFPDF.js";import"./chunk-GCT5YDEC.js";import"./chunk-T7D44CLA.js";import"./chunk-YP3FUDXN.js";import"./chunk-AISKMHMP.js";import"./chunk-RXOZWQIU.js";import"./chunk-KEUWERVB.js";export{b as describePlan,a as selectStages};
//# sourceMappingURL=plan-UYE5KYW5.js.map
