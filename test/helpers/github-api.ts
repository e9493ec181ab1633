/**
 * A local stand-in for the GitHub services the action talks to, over real HTTP on loopback:
 *
 *   @actions/github (octokit) ──► REST API: issue comments (list with Link pagination, create,
 *                                 update), workflow runs, run artifacts, artifact zip (302 → blob)
 *   @actions/artifact ─────────► Twirp ArtifactService: CreateArtifact / FinalizeArtifact /
 *                                ListArtifacts / GetSignedArtifactURL
 *                      └───────► blob storage: Put Block / Put Block List (Azure), GET the zip
 *
 * It answers with GitHub's JSON shapes, status codes and headers (x-ratelimit-*, Link, 403
 * "Resource not accessible by integration" for a fork's read-only token), and can be told to
 * fail the next matching requests (a 502, a rate limit). Point the toolkit at it with env().
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; id: number; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
}

export interface FakeRun {
  id: number;
  head_branch: string;
  event: string;
  status: 'completed' | 'in_progress';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  /** The workflow file, e.g. `.github/workflows/chaos.yml`. */
  path: string;
}

export interface FakeArtifact {
  id: number;
  runId: number;
  name: string;
  /** Key of the uploaded zip in the blob store. */
  blob: string;
  size: number;
  digest?: string;
  expired: boolean;
  created_at: string;
  /** What the uploader asked for (`retention-days`), as sent in CreateArtifact. */
  expires_at?: string;
}

export interface FakeCheckRun {
  id: number;
  repo: string;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string;
  output: { title: string; summary: string };
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

interface Fault {
  method: string;
  path: RegExp;
  times: number;
  respond: () => { status: number; headers?: Record<string, string>; body: unknown };
}

const DOCS = 'https://docs.github.com/rest';
const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' as const };
/** The Twirp service the artifact toolkit calls. */
const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/';
/** Path-style blob URLs on an IP host: /<account>/<container>/<blob> (what the Azure SDK expects). */
const BLOB_PREFIX = '/devstoreaccount1/artifacts/';

export class FakeGitHub {
  /** Every request, in order, for assertions on how the client paginated and retried. */
  readonly requests: LoggedRequest[] = [];
  readonly comments = new Map<string, FakeComment[]>();
  readonly runs: FakeRun[] = [];
  readonly artifacts: FakeArtifact[] = [];
  /** Finished uploads by blob key; staged blocks by blob key and block id. */
  readonly blobs = new Map<string, Buffer>();
  private readonly blocks = new Map<string, Map<string, Buffer>>();
  /** Blob key of each artifact created but not yet finalized, by name. */
  private readonly pendingUploads = new Map<string, { blob: string; expiresAt?: string }>();
  /** Pull requests by `owner/repo#number`: what `GET /repos/{repo}/pulls/{n}` answers (its head commit). */
  readonly pulls = new Map<string, { head_sha: string }>();
  /** Check runs created, oldest first. */
  readonly checkRuns: FakeCheckRun[] = [];
  /** When true, every write answers 403 as it does for a pull request from a fork. */
  readOnly = false;
  /** The token the REST API accepts (`token …` or `Bearer …`). */
  readonly token = 'ghs_fake_installation_token';
  /** The run that artifacts uploaded through the Twirp API belong to. */
  uploadRun: FakeRun = {
    id: 1000,
    head_branch: 'feature',
    event: 'pull_request',
    status: 'in_progress',
    conclusion: null,
    path: '.github/workflows/chaos.yml',
  };
  private readonly faults: Fault[] = [];
  private nextId = 1;
  private remaining = 5000;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Starts the server on a free loopback port. */
  static async start(): Promise<FakeGitHub> {
    // Requests arrive only after the port is known, by which time `fake` exists.
    const server = createServer((req, res) => {
      fake.handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const fake = new FakeGitHub(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  /** The variables a runner sets, pointing the toolkit here. Set them before importing @actions/*. */
  env(): Record<string, string> {
    return {
      GITHUB_API_URL: this.url,
      GITHUB_SERVER_URL: 'https://github.com',
      ACTIONS_RESULTS_URL: `${this.url}/`,
      ACTIONS_RUNTIME_TOKEN: runtimeToken('c0ffee00-run', 'c0ffee00-job'),
    };
  }

  /** Puts comments on an issue or pull request, oldest first; returns them. */
  seedComments(repo: string, issue: number, bodies: string[], user: FakeComment['user'] = { login: 'octocat', id: 583231, type: 'User' }): FakeComment[] {
    const list = this.commentsOf(repo, issue);
    const added = bodies.map((body) => this.comment(body, user));
    list.push(...added);
    return added;
  }

  commentsOf(repo: string, issue: number): FakeComment[] {
    const key = `${repo}#${issue}`;
    if (!this.comments.has(key)) this.comments.set(key, []);
    return this.comments.get(key)!;
  }

  /** The next `times` requests matching method and path get this response instead. */
  failNext(method: string, path: RegExp, status: number, body: unknown = { message: 'Server Error' }, headers: Record<string, string> = {}, times = 1): void {
    this.faults.push({ method, path, times, respond: () => ({ status, headers, body }) });
  }

  /** The next matching request is over the primary rate limit, which resets in `seconds`. */
  rateLimitNext(method: string, path: RegExp, seconds: number): void {
    this.faults.push({
      method,
      path,
      times: 1,
      respond: () => ({
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + seconds) },
        body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api` },
      }),
    });
  }

  /** Adds a workflow run (newest last); its artifacts come from uploads while it is `uploadRun`. */
  addRun(run: Partial<FakeRun> & Pick<FakeRun, 'head_branch' | 'conclusion'>): FakeRun {
    const full: FakeRun = { id: 2000 + this.runs.length, event: 'push', status: 'completed', path: '.github/workflows/chaos.yml', ...run };
    this.runs.push(full);
    return full;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private comment(body: string, user: FakeComment['user'] = BOT): FakeComment {
    // Distinct, increasing timestamps, as GitHub's are.
    const at = new Date(Date.UTC(2025, 0, 1) + this.nextId * 1000).toISOString();
    return { id: this.nextId++, body, user, created_at: at, updated_at: at };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    this.requests.push({ method, path: url.pathname, query: url.searchParams, headers: req.headers });

    const fault = this.faults.find((f) => f.method === method && f.path.test(url.pathname));
    if (fault) {
      if (--fault.times === 0) this.faults.splice(this.faults.indexOf(fault), 1);
      const { status, headers, body } = fault.respond();
      return send(res, status, body, { ...this.rateHeaders(), ...headers });
    }
    if (url.pathname.startsWith(TWIRP)) return this.twirp(req, res, url.pathname.slice(TWIRP.length), raw);
    if (url.pathname.startsWith(BLOB_PREFIX)) return this.blob(req, res, url, raw);
    return this.rest(req, res, method, url, raw);
  }

  private rateHeaders(): Record<string, string> {
    this.remaining = Math.max(0, this.remaining - 1);
    return {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(this.remaining),
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(5000 - this.remaining),
      'x-ratelimit-resource': 'core',
      'x-github-request-id': `FAKE:${this.requests.length}`,
    };
  }

  private rest(req: IncomingMessage, res: ServerResponse, method: string, url: URL, raw: Buffer): void {
    const headers = this.rateHeaders();
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
      return send(res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' }, headers);
    }
    const path = url.pathname;
    let m: RegExpMatchArray | null;

    if ((m = path.match(/^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/))) {
      const list = this.commentsOf(m[1], Number(m[2]));
      if (method === 'GET')
        return this.page(
          res,
          url,
          list.map((c) => this.commentJson(m![1], Number(m![2]), c)),
          headers,
        );
      if (method === 'POST') {
        if (this.readOnly) return forbidden(res, 'issues/comments#create-an-issue-comment', headers);
        const body = parseJson(raw)?.body;
        if (typeof body !== 'string') return unprocessable(res, headers);
        const created = this.comment(body);
        list.push(created);
        return send(res, 201, this.commentJson(m[1], Number(m[2]), created), {
          ...headers,
          location: `${this.url}/repos/${m[1]}/issues/comments/${created.id}`,
        });
      }
    }
    if ((m = path.match(/^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/)) && method === 'PATCH') {
      if (this.readOnly) return forbidden(res, 'issues/comments#update-an-issue-comment', headers);
      const found = [...this.comments.entries()]
        .filter(([key]) => key.startsWith(`${m![1]}#`))
        .flatMap(([key, list]) => list.map((c) => ({ key, c })))
        .find(({ c }) => c.id === Number(m![2]));
      if (!found) return notFound(res, headers);
      const body = parseJson(raw)?.body;
      if (typeof body !== 'string') return unprocessable(res, headers);
      found.c.body = body;
      found.c.updated_at = new Date().toISOString();
      return send(res, 200, this.commentJson(m[1], Number(found.key.split('#')[1]), found.c), headers);
    }
    if ((m = path.match(/^\/repos\/([^/]+\/[^/]+)\/actions\/(?:workflows\/([^/]+)\/)?runs$/)) && method === 'GET') {
      const q = url.searchParams;
      const workflow = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
      const runs = [...this.runs]
        .reverse() // newest first, as GitHub lists them
        .filter((r) => workflow === undefined || r.path.endsWith(`/${workflow}`) || String(r.id) === workflow)
        .filter((r) => !q.get('branch') || r.head_branch === q.get('branch'))
        .filter((r) => !q.get('event') || r.event === q.get('event'))
        .filter((r) => !q.get('status') || r.status === q.get('status') || r.conclusion === q.get('status'));
      const { items } = paginate(url, runs);
      return send(res, 200, { total_count: runs.length, workflow_runs: items.map((r) => this.runJson(m![1], r)) }, headers);
    }
    if ((m = path.match(/^\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)$/)) && method === 'GET') {
      const pr = this.pulls.get(`${m[1]}#${m[2]}`);
      if (!pr) return notFound(res, headers);
      const number = Number(m[2]);
      return send(res, 200, { number, state: 'open', head: { sha: pr.head_sha }, html_url: `https://github.com/${m[1]}/pull/${number}` }, headers);
    }
    if ((m = path.match(/^\/repos\/([^/]+\/[^/]+)\/check-runs$/)) && method === 'POST') {
      if (this.readOnly) return forbidden(res, 'checks/runs#create-a-check-run', headers);
      const body = parseJson(raw) ?? {};
      const output = (body.output ?? {}) as { title?: unknown; summary?: unknown };
      if (typeof body.name !== 'string' || typeof body.head_sha !== 'string' || typeof output.summary !== 'string' || output.summary.length > 65_535) {
        return unprocessable(res, headers);
      }
      const run: FakeCheckRun = {
        id: this.nextId++,
        repo: m[1],
        name: body.name,
        head_sha: body.head_sha,
        status: String(body.status),
        conclusion: String(body.conclusion),
        output: { title: String(output.title), summary: output.summary },
      };
      this.checkRuns.push(run);
      return send(res, 201, { ...run, html_url: `https://github.com/${m[1]}/runs/${run.id}` }, headers);
    }
    if ((m = path.match(/^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/artifacts$/)) && method === 'GET') {
      const name = url.searchParams.get('name');
      const list = this.artifacts.filter((a) => a.runId === Number(m![2]) && (!name || a.name === name));
      const { items } = paginate(url, list);
      return send(res, 200, { total_count: list.length, artifacts: items.map((a) => this.artifactJson(m![1], a)) }, headers);
    }
    if ((m = path.match(/^\/repos\/([^/]+\/[^/]+)\/actions\/artifacts\/(\d+)\/zip$/)) && method === 'GET') {
      const artifact = this.artifacts.find((a) => a.id === Number(m![2]));
      if (!artifact) return notFound(res, headers);
      if (artifact.expired) return send(res, 410, { message: 'Artifact has expired', documentation_url: DOCS, status: '410' }, headers);
      res.writeHead(302, { ...headers, location: `${this.url}${BLOB_PREFIX}${artifact.blob}?sig=fake-download-signature` });
      res.end();
      return;
    }
    return notFound(res, headers);
  }

  /** One page of a list, with GitHub's Link header (per_page default 30, at most 100). */
  private page(res: ServerResponse, url: URL, all: unknown[], headers: Record<string, string>): void {
    const { items, page, last, perPage } = paginate(url, all);
    const link = (p: number, rel: string) => {
      const target = new URL(url.pathname, this.url);
      target.searchParams.set('per_page', String(perPage));
      target.searchParams.set('page', String(p));
      return `<${target.href}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    send(res, 200, items, links.length > 0 ? { ...headers, link: links.join(', ') } : headers);
  }

  private twirp(req: IncomingMessage, res: ServerResponse, method: string, raw: Buffer): void {
    if (req.headers.authorization !== `Bearer ${this.env().ACTIONS_RUNTIME_TOKEN}`) {
      return send(res, 401, { code: 'unauthenticated', msg: 'invalid runtime token' });
    }
    const body = parseJson(raw) ?? {};
    if (method === 'CreateArtifact') {
      if (typeof body.name !== 'string' || body.version !== 7) return send(res, 400, { code: 'invalid_argument', msg: 'name and version 7 are required' });
      const blob = `${this.uploadRun.id}-${encodeURIComponent(body.name)}-${this.nextId++}.zip`;
      this.pendingUploads.set(body.name, { blob, expiresAt: typeof body.expires_at === 'string' ? body.expires_at : undefined });
      return send(res, 200, { ok: true, signed_upload_url: `${this.url}${BLOB_PREFIX}${blob}?sig=fake-upload-signature&se=2099-01-01` });
    }
    if (method === 'FinalizeArtifact') {
      const pending = typeof body.name === 'string' ? this.pendingUploads.get(body.name) : undefined;
      const blob = pending?.blob;
      if (!blob || !this.blobs.has(blob)) return send(res, 404, { code: 'not_found', msg: 'artifact not created or not uploaded' });
      this.pendingUploads.delete(body.name as string);
      if (!this.runs.includes(this.uploadRun)) this.runs.push(this.uploadRun);
      const hash = body.hash as string | undefined;
      const artifact: FakeArtifact = {
        id: this.nextId++,
        runId: this.uploadRun.id,
        name: body.name as string,
        blob,
        size: Number(body.size ?? 0),
        digest: hash,
        expired: false,
        created_at: new Date().toISOString(),
        expires_at: pending.expiresAt,
      };
      this.artifacts.push(artifact);
      return send(res, 200, { ok: true, artifact_id: String(artifact.id) });
    }
    // The upload run's artifacts, as `mode: merge` lists and downloads its shards'.
    if (method === 'ListArtifacts') {
      const nameFilter = body.name_filter as string | undefined;
      const idFilter = body.id_filter === undefined ? undefined : Number(body.id_filter);
      const artifacts = this.artifacts
        .filter(
          (a) =>
            a.runId === this.uploadRun.id && !a.expired && (nameFilter === undefined || a.name === nameFilter) && (idFilter === undefined || a.id === idFilter),
        )
        .map((a) => ({
          workflow_run_backend_id: 'c0ffee00-run',
          workflow_job_run_backend_id: 'c0ffee00-job',
          database_id: String(a.id),
          name: a.name,
          size: String(a.size),
          created_at: a.created_at,
        }));
      return send(res, 200, { artifacts });
    }
    if (method === 'GetSignedArtifactURL') {
      const artifact = this.artifacts.find((a) => a.runId === this.uploadRun.id && a.name === body.name);
      if (!artifact) return send(res, 404, { code: 'not_found', msg: `no artifact named ${String(body.name)}` });
      return send(res, 200, { signed_url: `${this.url}${BLOB_PREFIX}${artifact.blob}?sig=fake-download-signature` });
    }
    return send(res, 404, { code: 'bad_route', msg: `no handler for ${method}` });
  }

  /** Azure block blob: Put Block, Put Block List, Put Blob, Get Blob. */
  private blob(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): void {
    const key = decodeURIComponent(url.pathname.slice(BLOB_PREFIX.length));
    const azure = { 'x-ms-request-id': `fake-${this.requests.length}`, 'x-ms-version': '2025-01-05', date: new Date().toUTCString() };
    if (!url.searchParams.get('sig')) return sendXml(res, 403, 'AuthenticationFailed', azure);
    const comp = url.searchParams.get('comp');
    if (req.method === 'PUT' && comp === 'block') {
      const id = url.searchParams.get('blockid') ?? '';
      if (!this.blocks.has(key)) this.blocks.set(key, new Map());
      this.blocks.get(key)!.set(id, raw);
      res.writeHead(201, { ...azure, 'x-ms-request-server-encrypted': 'true' });
      return void res.end();
    }
    if (req.method === 'PUT' && comp === 'blocklist') {
      const staged = this.blocks.get(key) ?? new Map<string, Buffer>();
      const ids = [...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1]);
      if (ids.some((id) => !staged.has(id))) return sendXml(res, 400, 'InvalidBlockList', azure);
      this.blobs.set(key, Buffer.concat(ids.map((id) => staged.get(id)!)));
      this.blocks.delete(key);
      res.writeHead(201, { ...azure, etag: `"0x${this.nextId++}"`, 'last-modified': new Date().toUTCString() });
      return void res.end();
    }
    if (req.method === 'PUT' && comp === null) {
      this.blobs.set(key, raw);
      res.writeHead(201, { ...azure, etag: `"0x${this.nextId++}"` });
      return void res.end();
    }
    if (req.method === 'GET') {
      const data = this.blobs.get(key);
      if (!data) return sendXml(res, 404, 'BlobNotFound', azure);
      res.writeHead(200, { ...azure, 'content-type': 'application/zip', 'content-length': String(data.length) });
      return void res.end(data);
    }
    return sendXml(res, 400, 'UnsupportedHttpVerb', azure);
  }

  private commentJson(repo: string, issue: number, c: FakeComment): Record<string, unknown> {
    return {
      url: `${this.url}/repos/${repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${repo}/pull/${issue}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${repo}/issues/${issue}`,
      id: c.id,
      node_id: `IC_fake${c.id}`,
      user: { ...c.user, node_id: `U_${c.user.id}`, site_admin: false },
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'OWNER',
      body: c.body,
    };
  }

  private runJson(repo: string, r: FakeRun): Record<string, unknown> {
    return {
      id: r.id,
      name: 'chaos',
      head_branch: r.head_branch,
      head_sha: r.id.toString(16).padStart(40, '0'),
      path: r.path,
      run_number: r.id - 1999,
      event: r.event,
      status: r.status,
      conclusion: r.conclusion,
      workflow_id: 1,
      url: `${this.url}/repos/${repo}/actions/runs/${r.id}`,
      html_url: `https://github.com/${repo}/actions/runs/${r.id}`,
      artifacts_url: `${this.url}/repos/${repo}/actions/runs/${r.id}/artifacts`,
      created_at: new Date(Date.UTC(2025, 0, 1) + r.id * 1000).toISOString(),
    };
  }

  private artifactJson(repo: string, a: FakeArtifact): Record<string, unknown> {
    return {
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.size,
      url: `${this.url}/repos/${repo}/actions/artifacts/${a.id}`,
      archive_download_url: `${this.url}/repos/${repo}/actions/artifacts/${a.id}/zip`,
      expired: a.expired,
      digest: a.digest,
      created_at: a.created_at,
      updated_at: a.created_at,
      expires_at: new Date(Date.parse(a.created_at) + 90 * 86_400_000).toISOString(),
      workflow_run: { id: a.runId, head_branch: this.runs.find((r) => r.id === a.runId)?.head_branch },
    };
  }
}

/** An unsigned JWT carrying the `Actions.Results:<run>:<job>` scope the artifact toolkit reads. */
function runtimeToken(runBackendId: string, jobBackendId: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}` })}.fake`;
}

function paginate<T>(url: URL, all: T[]): { items: T[]; page: number; last: number; perPage: number } {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
  const last = Math.max(1, Math.ceil(all.length / perPage));
  return { items: all.slice((page - 1) * perPage, page * perPage), page, last, perPage };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): Record<string, unknown> | undefined {
  try {
    return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function sendXml(res: ServerResponse, status: number, code: string, headers: Record<string, string>): void {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;
  res.writeHead(status, { ...headers, 'content-type': 'application/xml', 'x-ms-error-code': code });
  res.end(body);
}

function forbidden(res: ServerResponse, doc: string, headers: Record<string, string>): void {
  send(res, 403, { message: 'Resource not accessible by integration', documentation_url: `${DOCS}/${doc}`, status: '403' }, headers);
}

function notFound(res: ServerResponse, headers: Record<string, string>): void {
  send(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' }, headers);
}

function unprocessable(res: ServerResponse, headers: Record<string, string>): void {
  send(res, 422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.', documentation_url: DOCS, status: '422' }, headers);
}

/** The step outputs an action wrote to GITHUB_OUTPUT (`name<<delimiter\nvalue\ndelimiter`). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const m of text.matchAll(/^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]] = m[3];
  return outputs;
}
