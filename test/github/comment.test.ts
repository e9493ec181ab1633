/**
 * The sticky PR comment against a local server answering like GitHub's REST API: pagination by
 * Link header, update in place, a fork's read-only token, a 502, rate limits.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/github-api.js';
import { failingRun, hugeRun } from '../report/fixtures.js';

let github: FakeGitHub;
let report: typeof import('../../src/github/comment.js');
let summary: typeof import('../../src/report/summary.js');
const REPO = { owner: 'acme', repo: 'shop' };
const FULL = 'acme/shop';

beforeAll(async () => {
  github = await FakeGitHub.start();
  // As on a runner: the variables exist before the toolkit is first imported.
  Object.assign(process.env, github.env());
  report = await import('../../src/github/comment.js');
  summary = await import('../../src/report/summary.js');
});

afterAll(async () => {
  await github.close();
});

let issue = 0;
beforeEach(() => {
  issue++; // a fresh pull request per test
  github.readOnly = false;
  github.requests.length = 0;
});

function post(body: string, marker = report.commentMarker('chaos / gate'), token = github.token) {
  return report.postComment({ token, repo: REPO, issueNumber: issue, body, marker });
}

const listRequests = () => github.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/issues/${issue}/comments`));

describe('postComment', () => {
  it('creates the comment with the hidden marker on its first line', async () => {
    const outcome = await post('## ✅ chaos-gate passed\n');
    expect(outcome).toMatchObject({ ok: true, action: 'created' });
    const [comment] = github.commentsOf(FULL, issue);
    expect(comment.body).toBe('<!-- chaos-gate: chaos / gate -->\n## ✅ chaos-gate passed\n');
    expect(outcome.ok && outcome.url).toBe(`https://github.com/acme/shop/pull/${issue}#issuecomment-${comment.id}`);
    expect(github.requests.find((r) => r.method === 'POST')!.headers.authorization).toBe(`token ${github.token}`);
  });

  it('finds its comment past the first page (Link rel="next") and updates it in place', async () => {
    // 130 comments by people and other jobs, then ours, then more: ours is on page 2 of 100.
    github.seedComments(
      FULL,
      issue,
      Array.from({ length: 130 }, (_, i) => (i % 10 === 0 ? `${report.commentMarker('other / job')}\nnot ours` : `comment ${i}`)),
    );
    const [ours] = github.seedComments(FULL, issue, [`${report.commentMarker('chaos / gate')}\nold summary`]);
    github.seedComments(FULL, issue, ['after ours']);

    const outcome = await post('new summary');
    expect(outcome).toEqual({ ok: true, action: 'updated', id: ours.id, url: `https://github.com/acme/shop/pull/${issue}#issuecomment-${ours.id}` });
    expect(github.commentsOf(FULL, issue)).toHaveLength(132);
    expect(ours.body).toBe('<!-- chaos-gate: chaos / gate -->\nnew summary');
    const pages = listRequests().map((r) => r.query.get('page') ?? '1');
    expect(pages).toEqual(['1', '2']);
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('keeps one comment per job across pushes, and another job gets its own', async () => {
    expect(await post('push 1')).toMatchObject({ action: 'created' });
    expect(await post('push 2')).toMatchObject({ action: 'updated' });
    expect(await post('other job', report.commentMarker('chaos / gate (shard 2)'))).toMatchObject({ action: 'created' });
    expect(await post('push 3')).toMatchObject({ action: 'updated' });
    expect(github.commentsOf(FULL, issue).map((c) => c.body)).toEqual([
      '<!-- chaos-gate: chaos / gate -->\npush 3',
      '<!-- chaos-gate: chaos / gate (shard 2) -->\nother job',
    ]);
  });

  it('on a fork (read-only token) returns the workflow_run explanation instead of throwing', async () => {
    github.readOnly = true;
    const outcome = await post('summary');
    expect(outcome).toEqual({ ok: false, reason: 'read-only', warning: report.READ_ONLY_WARNING });
    expect(report.READ_ONLY_WARNING).toContain('workflow_run');
    expect(report.READ_ONLY_WARNING).toContain('verdict is unchanged');
    expect(github.commentsOf(FULL, issue)).toHaveLength(0);
    // A 403 is an answer, not a transient failure: asked once.
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('retries a 502 with backoff', async () => {
    github.failNext('POST', new RegExp(`/issues/${issue}/comments$`), 502);
    const started = Date.now();
    const outcome = await post('summary');
    expect(outcome).toMatchObject({ ok: true, action: 'created' });
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the first backoff is 1 s
    expect(github.commentsOf(FULL, issue)).toHaveLength(1);
  });

  it('waits out a rate limit until x-ratelimit-reset, then carries on', async () => {
    github.rateLimitNext('GET', new RegExp(`/issues/${issue}/comments$`), 1);
    const started = Date.now();
    const outcome = await post('summary');
    expect(outcome).toMatchObject({ ok: true, action: 'created' });
    expect(listRequests()).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('honours retry-after on a secondary rate limit', async () => {
    github.failNext(
      'POST',
      new RegExp(`/issues/${issue}/comments$`),
      403,
      { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      { 'retry-after': '1' },
    );
    const started = Date.now();
    expect(await post('summary')).toMatchObject({ ok: true, action: 'created' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('gives up at once on a rate limit that resets too far away', async () => {
    github.rateLimitNext('GET', new RegExp(`/issues/${issue}/comments$`), 3600);
    const started = Date.now();
    const outcome = await post('summary');
    expect(outcome).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect(!outcome.ok && outcome.warning).toMatch(/rate limit: it resets in \d+ s, longer than chaos-gate waits \(60 s\)/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops after a bounded number of server errors and reports the status', async () => {
    github.failNext('GET', new RegExp(`/issues/${issue}/comments$`), 503, { message: 'Service Unavailable' }, {}, 10);
    const outcome = await report.postComment({
      token: github.token,
      repo: REPO,
      issueNumber: issue,
      body: 'summary',
      marker: report.commentMarker('x'),
      retry: { attempts: 3, backoffMs: 20, maxWaitMs: 1000 },
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'failed' });
    expect(!outcome.ok && outcome.warning).toContain('(HTTP 503)');
    expect(listRequests()).toHaveLength(3);
  });

  it('does not retry bad credentials', async () => {
    const outcome = await post('summary', undefined, 'wrong-token');
    expect(outcome).toMatchObject({ ok: false, reason: 'failed' });
    expect(!outcome.ok && outcome.warning).toContain('(HTTP 401): Bad credentials');
    expect(github.requests).toHaveLength(1);
  });

  it('never throws, even when GitHub cannot be reached', async () => {
    const outcome = await report.postComment({
      token: github.token,
      repo: REPO,
      issueNumber: issue,
      body: 'summary',
      marker: report.commentMarker('x'),
      apiUrl: 'http://127.0.0.1:1',
      retry: { attempts: 2, backoffMs: 10, maxWaitMs: 100 },
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'failed' });
  });

  it('refuses a body over 65,536 characters without calling GitHub', async () => {
    const outcome = await post('x'.repeat(65_536));
    expect(outcome).toMatchObject({ ok: false, reason: 'too-long' });
    expect(github.requests).toHaveLength(0);
  });

  it('posts a huge run summarised within the comment budget', async () => {
    const marker = report.commentMarker('chaos / gate');
    const body = summary.renderSummary(hugeRun(), { budget: report.commentBudget(marker) });
    expect(await post(body, marker)).toMatchObject({ ok: true, action: 'created' });
    const [comment] = github.commentsOf(FULL, issue);
    expect(comment.body.length).toBeLessThanOrEqual(65_536);
    expect(comment.body.startsWith(`${marker}\n## ❌ chaos-gate failed`)).toBe(true);
  });

  it('sanitises the job name so the marker stays one HTML comment', () => {
    expect(report.commentMarker('a -- b --> c')).toBe('<!-- chaos-gate: a - b - c -->');
    expect(summary.renderSummary(failingRun())).not.toContain('<!--');
  });
});
