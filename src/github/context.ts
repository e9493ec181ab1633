/**
 * What the reporting edge needs to know about the workflow run, read from the runner's variables
 * and the event payload (GITHUB_EVENT_PATH). Only src/github reads these: the rest of chaos-gate
 * runs without any GitHub variable.
 */
import { readFile } from 'node:fs/promises';

export interface RunContext {
  repo: { owner: string; repo: string };
  /** The pull request's number, on pull_request and pull_request_target events. */
  pullRequest?: number;
  /** The branch to compare with: the pull request's base, or the pushed branch. */
  baseBranch?: string;
  /** The run's page: `https://github.com/acme/shop/actions/runs/123`. */
  runUrl?: string;
  /** `<workflow> / <job>`: with the artifact name, tells this job's comment from its siblings'. */
  job: string;
  /** The pull request's head commit (not GITHUB_SHA, which is the merge commit). */
  headSha?: string;
  runId?: number;
  /** The run that triggered this one, in a `workflow_run` workflow. */
  workflowRun?: TriggeringRun;
}

/** `workflow_run` in the event payload: the run whose report `mode: comment` posts. */
export interface TriggeringRun {
  id: number;
  /** The event that started it: `pull_request` for a pull request's run, fork or not. */
  event: string;
  head_sha: string;
  html_url?: string;
}

/** The run's context, or undefined outside a GitHub Actions run (no GITHUB_REPOSITORY). */
export async function readRunContext(env: NodeJS.ProcessEnv = process.env): Promise<RunContext | undefined> {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) return undefined;
  const event = await readEvent(env.GITHUB_EVENT_PATH);
  const pr = event?.pull_request as { number?: unknown; base?: { ref?: unknown }; head?: { sha?: unknown } } | undefined;
  const trigger = event?.workflow_run as Partial<Record<keyof TriggeringRun, unknown>> | undefined;
  const runId = Number(env.GITHUB_RUN_ID);
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    repo: { owner, repo },
    pullRequest: typeof pr?.number === 'number' ? pr.number : undefined,
    baseBranch: typeof pr?.base?.ref === 'string' ? pr.base.ref : env.GITHUB_REF_NAME || undefined,
    runUrl: env.GITHUB_RUN_ID ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    job: `${env.GITHUB_WORKFLOW ?? 'workflow'} / ${env.GITHUB_JOB ?? 'job'}`,
    headSha: typeof pr?.head?.sha === 'string' ? pr.head.sha : undefined,
    runId: Number.isSafeInteger(runId) && runId > 0 ? runId : undefined,
    workflowRun:
      typeof trigger?.id === 'number' && typeof trigger.head_sha === 'string'
        ? {
            id: trigger.id,
            event: String(trigger.event ?? ''),
            head_sha: trigger.head_sha,
            ...(typeof trigger.html_url === 'string' ? { html_url: trigger.html_url } : {}),
          }
        : undefined,
  };
}

async function readEvent(path: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (!path) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    // A missing or unreadable payload only means no pull request to comment on.
    return undefined;
  }
}
