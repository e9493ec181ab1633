import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b,c,d,e,f}from"./chunks/chunk-VTYXAKBP.js";import"./chunks/chunk-KEUWERVB.js";export{f as ChaosGate,a as ChaosGateApiError,c as Fault,b as MockClient,d as ProxyClient,e as ServiceClient};
//# sourceMappingURL=client.js.map
