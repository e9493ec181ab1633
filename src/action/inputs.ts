/** Typed readers of the action's inputs; each names the input in its error. */
import * as core from '@actions/core';
import { UsageError } from '../errors.js';
import { parseShard, type Shard } from '../run/shard.js';
import { Inputs } from './constants.js';

export interface ActionInputs {
  config: string;
  stages: string[];
  categories: string[];
  reportDir: string;
  githubToken: string;
  /** Unset: as the config's report.comment says. */
  comment?: boolean;
  /** Unset: as the config's report.artifact says. */
  artifactName?: string;
  workingDirectory: string;
  /** `2/4`: run this shard's share and upload `<artifact-name>-shard-2`, without a comment. */
  shard?: Shard;
  /** `merge`: download every shard's report, merge, judge once, comment once. */
  mode: 'run' | 'merge';
}

export function readInputs(): ActionInputs {
  return {
    config: core.getInput(Inputs.config) || 'chaos-gate.yml',
    stages: getList(Inputs.stages),
    categories: getList(Inputs.categories),
    reportDir: core.getInput(Inputs.reportDir) || 'chaos-gate-report',
    githubToken: core.getInput(Inputs.githubToken),
    comment: getBoolean(Inputs.comment),
    artifactName: core.getInput(Inputs.artifactName) || undefined,
    workingDirectory: core.getInput(Inputs.workingDirectory) || '.',
    shard: core.getInput(Inputs.shard) ? parseShard(core.getInput(Inputs.shard)) : undefined,
    mode: getMode(),
  };
}

function getMode(): 'run' | 'merge' {
  const mode = core.getInput(Inputs.mode) || 'run';
  if (mode !== 'run' && mode !== 'merge') throw new UsageError(`input ${Inputs.mode}: expected run or merge, got "${mode}"`);
  return mode;
}

/** A comma- or newline-separated list. */
function getList(name: string): string[] {
  return core
    .getInput(name)
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function getBoolean(name: string): boolean | undefined {
  const value = core.getInput(name).trim().toLowerCase();
  if (value === '') return undefined;
  if (['true', 'yes', '1'].includes(value)) return true;
  if (['false', 'no', '0'].includes(value)) return false;
  throw new UsageError(`input ${name}: expected true or false, got "${value}"`);
}
