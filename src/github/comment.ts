/**
 * The sticky pull request comment: one per workflow job, found again on every push by a hidden
 * marker and updated in place.
 *
 *   list comments, page by page (octokit.paginate) ──► first one holding the marker?
 *        yes ──► PATCH it          no ──► POST a new one (marker on its first line)
 *
 * Reporting must never change the verdict, so nothing here throws: every failure is an outcome
 * with a warning for the caller to print. A fork's read-only token (403 "Resource not accessible
 * by integration") gets a warning that explains the `workflow_run` pattern.
 */
import { COMMENT_LIMIT } from '../report/summary.js';
import { DEFAULT_RETRY, githubClient, rateLimitTooLong, rateLimitWait, type GitHubClient, type RetryPolicy } from './octokit.js';

export interface CommentOptions {
  token: string;
  repo: { owner: string; repo: string };
  /** The pull request (or issue) number. */
  issueNumber: number;
  /** The summary markdown (render it with a budget of `commentBudget(marker)`). */
  body: string;
  /** From `commentMarker()`: identifies this job's comment among all others. */
  marker: string;
  /** REST API base URL; default GITHUB_API_URL, then https://api.github.com. */
  apiUrl?: string;
  retry?: RetryPolicy;
  /** Given the body of this job's comment already there (undefined: none), whether to post; default always. */
  shouldPost?: (existing: string | undefined) => boolean;
}

export type CommentOutcome =
  | { ok: true; action: 'created' | 'updated'; id: number; url: string }
  /** Left as it was (`comment: changes` / `on-failure`); the comment already there, if any. */
  | { ok: true; action: 'skipped'; id?: number; url?: string }
  | { ok: false; reason: 'read-only' | 'rate-limited' | 'too-long' | 'failed'; warning: string };

/** The text printed when the token cannot write, as on a pull request from a fork. */
export const READ_ONLY_WARNING =
  'chaos-gate could not comment on the pull request: the token is read-only (403 Resource not accessible by integration), ' +
  'which is how GitHub runs workflows for pull requests from forks. The verdict is unchanged and the full summary is in the ' +
  'job summary and the report artifact. To comment on fork pull requests, keep this workflow on `pull_request`, and add a ' +
  'second workflow triggered `on: workflow_run` (types: [completed]) with `permissions: pull-requests: write, checks: write, actions: read` ' +
  'whose step is chaos-gate with `mode: comment`: it runs in the base repository with a write token and posts this report ' +
  '(see docs/github-action.md, "Pull requests from forks").';

/** A hidden HTML comment naming one workflow job (and shard): `<!-- chaos-gate: ci/chaos -->`. */
export function commentMarker(job: string): string {
  // `--` would end the HTML comment early; `>` could too in some renderers.
  return `<!-- chaos-gate: ${job.replace(/--+/g, '-').replace(/>/g, '')} -->`;
}

/** What `comment: changes` compares: the verdict and each threshold's pass/fail, keyed `metric expression`. */
export interface CommentState {
  verdict: string;
  thresholds: Record<string, boolean>;
}

/** A hidden line holding the state (`-` and `>` escaped: they could end the HTML comment), written into the comment so the next run can compare with it. */
export function stateLine(state: CommentState): string {
  return `<!-- chaos-gate-state: ${JSON.stringify(state).replace(/-/g, '\\u002d').replace(/>/g, '\\u003e')} -->`;
}

/** The state written into a comment body by stateLine(); undefined when there is none (an older comment). */
export function readState(body: string): CommentState | undefined {
  const m = /<!-- chaos-gate-state: (.*?) -->/.exec(body);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]) as CommentState;
  } catch {
    return undefined;
  }
}

/** Bytes left for the summary once the marker line is added. */
export function commentBudget(marker: string): number {
  return COMMENT_LIMIT - Buffer.byteLength(`${marker}\n`, 'utf8');
}

/** Creates or updates this job's comment; never throws. */
export async function postComment(options: CommentOptions): Promise<CommentOutcome> {
  const body = options.body.includes(options.marker) ? options.body : `${options.marker}\n${options.body}`;
  if (body.length > COMMENT_LIMIT) {
    return { ok: false, reason: 'too-long', warning: `chaos-gate did not comment: the summary has ${body.length} characters, over GitHub's ${COMMENT_LIMIT}` };
  }
  const policy = options.retry ?? DEFAULT_RETRY;
  const octokit = githubClient(options.token, { apiUrl: options.apiUrl, retry: policy });
  const { owner, repo } = options.repo;
  try {
    const existing = await findComment(octokit, options);
    if (options.shouldPost && !options.shouldPost(existing?.body)) return { ok: true, action: 'skipped', id: existing?.id, url: existing?.url };
    if (existing !== undefined) {
      const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
      return { ok: true, action: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: options.issueNumber, body });
    return { ok: true, action: 'created', id: data.id, url: data.html_url };
  } catch (error) {
    return failure(error, policy);
  }
}

/** The first comment holding the marker; pages after it are not fetched. */
async function findComment(octokit: GitHubClient, options: CommentOptions): Promise<{ id: number; url: string; body: string } | undefined> {
  const { owner, repo } = options.repo;
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: options.issueNumber, per_page: 100 });
  for await (const { data } of pages) {
    const found = data.find((c) => c.body?.includes(options.marker));
    if (found) return { id: found.id, url: found.html_url, body: found.body ?? '' };
  }
  return undefined;
}

function failure(error: unknown, policy: RetryPolicy): CommentOutcome {
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (rateLimitWait(error) !== undefined || /rate limit/i.test(message)) {
    return { ok: false, reason: 'rate-limited', warning: `chaos-gate could not comment on the pull request: ${rateLimitTooLong(error, policy) ?? message}` };
  }
  if (status === 403 && /not accessible by (integration|personal access token)/i.test(message)) {
    return { ok: false, reason: 'read-only', warning: READ_ONLY_WARNING };
  }
  return {
    ok: false,
    reason: 'failed',
    warning: `chaos-gate could not comment on the pull request${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${message}`,
  };
}
