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
  mode: 'mode',
} as const;

export const Outputs = {
  verdict: 'verdict',
  reportDir: 'report-dir',
} as const;

export const State = {
  /** Process groups of stages and services still alive; the post step kills what the main step left. */
  processGroups: 'process-groups',
} as const;
