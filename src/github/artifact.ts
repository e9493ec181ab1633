/**
 * Uploads the report dir (metrics.json, junit.xml, summary.md, report.html, logs/) as one
 * workflow artifact with @actions/artifact. Like the comment, an upload that fails is a warning
 * for the caller, never a changed verdict, so this never throws. (The toolkit retries its own
 * calls to the artifact service.)
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export type UploadOutcome =
  | { ok: true; id: number; size: number; files: number; /** Where a reviewer downloads it, when the run is known. */ url?: string }
  | { ok: false; warning: string };

/** Uploads every file under `dir` as the artifact `name` (unique per job and shard); never throws. */
export async function uploadReport(name: string, dir: string, retentionDays?: number): Promise<UploadOutcome> {
  try {
    const files = await listFiles(dir);
    if (files.length === 0) return { ok: false, warning: `chaos-gate did not upload the report: ${dir} holds no files` };
    // @actions/artifact is ~1 MB bundled: loaded when an artifact is moved, not when the step starts.
    const { DefaultArtifactClient } = await import('@actions/artifact');
    const { id, size } = await new DefaultArtifactClient().uploadArtifact(name, files, dir, { retentionDays });
    if (id === undefined) return { ok: false, warning: `chaos-gate could not upload the report artifact "${name}": the artifact service returned no id` };
    return { ok: true, id, size: size ?? 0, files: files.length, url: artifactUrl(id) };
  } catch (error) {
    return { ok: false, warning: `chaos-gate could not upload the report artifact "${name}": ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Downloads artifact `artifactId` of workflow run `runId` (this run's or another's) into `path`. */
export async function downloadRunArtifact(
  options: { token: string; repo: { owner: string; repo: string }; runId: number; artifactId: number },
  path: string,
): Promise<void> {
  // @actions/artifact is ~1 MB bundled: loaded when an artifact is moved, not when the step starts.
  const { DefaultArtifactClient } = await import('@actions/artifact');
  await new DefaultArtifactClient().downloadArtifact(options.artifactId, {
    path,
    findBy: { token: options.token, workflowRunId: options.runId, repositoryOwner: options.repo.owner, repositoryName: options.repo.repo },
  });
}

/** The artifact's page in this run, from the runner's variables; undefined outside a workflow run. */
function artifactUrl(id: number): string | undefined {
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = process.env;
  return repo && run ? `${server}/${repo}/actions/runs/${run}/artifacts/${id}` : undefined;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
