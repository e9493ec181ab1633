/**
 * The action's post step: runs even when the main step died or was cancelled, and kills any
 * process group of a stage or service that the main step left behind.
 */
import * as core from '@actions/core';
import { State } from './constants.js';

const groups = core
  .getState(State.processGroups)
  .split(',')
  .map(Number)
  .filter((pid) => Number.isInteger(pid) && pid > 0);
for (const pid of groups) {
  try {
    process.kill(-pid, 'SIGKILL');
    core.info(`chaos-gate: killed process group ${pid} left behind by the main step`);
  } catch {
    // ESRCH: already gone, as it should be.
  }
}
