import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
var e=class extends Error{},o=class extends e{exitCode=2;name="UsageError"},t=class extends e{constructor(n){super(n.join(`
`));this.problems=n}problems;exitCode=2;name="ConfigError"},d=class extends e{exitCode=3;name="EnvironmentError"};export{e as a,o as b,t as c,d};
//# sourceMappingURL=chunk-T7D44CLA.js.map
