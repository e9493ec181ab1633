import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import {
  State,
  getState,
  info
} from "./chunks/chunk-IJMWLJ6E.js";
import "./chunks/chunk-MWTDHI2K.js";

// src/action/post.ts
var groups = getState(State.processGroups).split(",").map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
for (const pid of groups) {
  try {
    process.kill(-pid, "SIGKILL");
    info(`chaos-gate: killed process group ${pid} left behind by the main step`);
  } catch {
  }
}
