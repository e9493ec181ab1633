import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunks/chunk-I2MTJTTC.js";import"./chunks/chunk-KEUWERVB.js";export{g as ChaosGate,a as ChaosGateApiError,b as Fault,c as HttpProxyClient,d as MockClient,e as ProxyClient,f as ServiceClient};
//# sourceMappingURL=client.js.map
