/** Typed readers of the action's inputs; each names the input in its error. */
import * as core from '@actions/core';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseShard, type Shard } from '../run/shard.js';
import { Inputs } from './constants.js';
import { parseOutSpecs, type OutSpec } from '../out/spec.js';

export const COMMENT_MODES = ['always', 'on-failure', 'changes', 'never'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

export interface ActionInputs {
  config: string;
  stages: string[];
  categories: string[];
  reportDir: string;
  githubToken: string;
  /** Unset: as the config's report.comment says (true: always, false: never). */
  comment?: CommentMode;
  /** Unset: as the config's report.artifact says. */
  artifactName?: string;
  workingDirectory: string;
  /** `--out` specs: the load's metrics while the run goes. */
  out: OutSpec[];
  /** `2/4`: run this shard's share and upload `<artifact-name>-shard-2`, without a comment. */
  shard?: Shard;
  /** run: the gate; merge: shard reports into one; comment: a workflow_run's comment for the run that triggered it (a fork's pull request). */
  mode: 'run' | 'merge' | 'comment';
  /** `never`: report only; the step succeeds whatever the verdict. */
  failOn: 'failure' | 'never';
  /** Days the report artifact is kept (1–90); unset: the repository's default. */
  retentionDays?: number;
  /** `${{ toJSON(matrix) }}`: its values tell this matrix job's artifact and comment from its siblings'. */
  matrix: string[];
}

export function readInputs(): ActionInputs {
  return {
    config: core.getInput(Inputs.config) || 'chaos-gate.yml',
    stages: getList(Inputs.stages),
    categories: getList(Inputs.categories),
    reportDir: core.getInput(Inputs.reportDir) || 'chaos-gate-report',
    githubToken: core.getInput(Inputs.githubToken),
    comment: getCommentMode(),
    artifactName: core.getInput(Inputs.artifactName) || undefined,
    workingDirectory: core.getInput(Inputs.workingDirectory) || '.',
    shard: core.getInput(Inputs.shard) ? parseShard(core.getInput(Inputs.shard)) : undefined,
    // A json=FILE is relative to where the stages run, as the report dir is.
    out: parseOutSpecs(getList(Inputs.out), resolve(core.getInput(Inputs.workingDirectory) || '.')),
    mode: getMode(),
    failOn: getFailOn(),
    retentionDays: getRetentionDays(),
    matrix: getMatrix(),
  };
}

function getMode(): ActionInputs['mode'] {
  const mode = core.getInput(Inputs.mode) || 'run';
  if (mode !== 'run' && mode !== 'merge' && mode !== 'comment') throw new UsageError(`input ${Inputs.mode}: expected run, merge or comment, got "${mode}"`);
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

/** always | on-failure | changes | never; true and false (the older boolean input) read as always and never. */
function getCommentMode(): CommentMode | undefined {
  const value = core.getInput(Inputs.comment).trim().toLowerCase();
  if (value === '') return undefined;
  if ((COMMENT_MODES as readonly string[]).includes(value)) return value as CommentMode;
  if (['true', 'yes', '1'].includes(value)) return 'always';
  if (['false', 'no', '0'].includes(value)) return 'never';
  throw new UsageError(`input ${Inputs.comment}: expected ${COMMENT_MODES.join(', ')} (or true/false), got "${value}"`);
}

function getFailOn(): 'failure' | 'never' {
  const value = core.getInput(Inputs.failOn).trim() || 'failure';
  if (value !== 'failure' && value !== 'never') throw new UsageError(`input ${Inputs.failOn}: expected failure or never, got "${value}"`);
  return value;
}

function getRetentionDays(): number | undefined {
  const value = core.getInput(Inputs.retentionDays).trim();
  if (value === '') return undefined;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 90)
    throw new UsageError(`input ${Inputs.retentionDays}: expected a whole number of days from 1 to 90, got "${value}"`);
  return days;
}

/** The values of `${{ toJSON(matrix) }}` in key order, the `shard` key left out (a shard is named by its index). */
function getMatrix(): string[] {
  const value = core.getInput(Inputs.matrix).trim();
  if (value === '' || value === 'null') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new UsageError(`input ${Inputs.matrix}: expected \${{ toJSON(matrix) }} (a JSON object), got "${value.slice(0, 80)}"`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`input ${Inputs.matrix}: expected \${{ toJSON(matrix) }} (a JSON object)`);
  return Object.entries(parsed)
    .filter(([key]) => key !== 'shard')
    .map(([, v]) => (typeof v === 'string' ? v : JSON.stringify(v)));
}
