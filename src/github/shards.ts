/** Fetches the shard reports of this workflow run for `mode: merge` (artifacts `<name>-shard-<i>`). */
import { join } from 'node:path';

/** Downloads every `<prefix>-shard-<i>` artifact of this run into `dir/<artifact>`; returns those folders in shard order. */
export async function downloadShardReports(prefix: string, dir: string): Promise<string[]> {
  // @actions/artifact is ~1 MB bundled: loaded when an artifact is moved, not when the step starts.
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-shard-(\\d+)$`);
  const { artifacts } = await client.listArtifacts({ latest: true });
  const shards = artifacts
    .map((artifact) => ({ artifact, index: Number(pattern.exec(artifact.name)?.[1]) }))
    .filter(({ index }) => Number.isInteger(index))
    .sort((a, b) => a.index - b.index);
  const dirs: string[] = [];
  for (const { artifact } of shards) {
    const path = join(dir, artifact.name);
    await client.downloadArtifact(artifact.id, { path });
    dirs.push(path);
  }
  return dirs;
}
