import { runAction } from './main.js';

await runAction();
// Every listener is closed by now; nothing the toolkit left open may hold the step.
setTimeout(() => process.exit(), 2000).unref();
