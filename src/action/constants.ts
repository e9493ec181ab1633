/** The action's input, output and state names, once. */
export const Inputs = {
  config: 'config',
  stages: 'stages',
  categories: 'categories',
  reportDir: 'report-dir',
  githubToken: 'github-token',
  comment: 'comment',
  artifactName: 'artifact-name',
  workingDirectory: 'working-directory',
  shard: 'shard',
  out: 'out',
  mode: 'mode',
  failOn: 'fail-on',
  retentionDays: 'retention-days',
  matrix: 'matrix',
} as const;

export const Outputs = {
  verdict: 'verdict',
  reportDir: 'report-dir',
  summaryFile: 'summary-file',
  commentUrl: 'comment-url',
  commentId: 'comment-id',
  artifactId: 'artifact-id',
  artifactUrl: 'artifact-url',
  thresholdsFailed: 'thresholds-failed',
  testsFailed: 'tests-failed',
  experimentsFailed: 'experiments-failed',
} as const;

export const State = {
  /** Process groups of stages and services still alive; the post step kills what the main step left. */
  processGroups: 'process-groups',
} as const;
