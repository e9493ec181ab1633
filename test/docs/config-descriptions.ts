/**
 * The sentences of docs/config.md, one per key. Keys, types and defaults come from the schemas
 * (config-docs.ts); a key missing here, or one here that the schemas no longer have, fails the
 * test test/docs/config-docs.test.ts.
 */

/** The page's sections, in order, and the top-level keys each covers. */
export const SECTIONS: { title: string; intro: string; keys: string[] }[] = [
  {
    title: 'Top level',
    intro: 'A file starts with `version: 1`; everything else is optional. The other top-level keys have their own sections below.',
    keys: ['version', 'max_failures'],
  },
  {
    title: 'services',
    intro:
      'The system under test: processes started (in order) before the stages, with the environment of the stages (`CHAOS_GATE_API`, `CHAOS_GATE_PROXY_<NAME>`, …) plus their own `env`, and stopped after them. Their output goes to `<report-dir>/logs/service-<name>.log`.',
    keys: ['services'],
  },
  {
    title: 'proxies',
    intro:
      "TCP chaos proxies (`client ⇄ proxy ⇄ upstream`), driven through the control API with Toxiproxy's calls. Point your service at `listen` instead of the real address. An upstream outside this machine is refused unless `safety.allow_remote` is set.",
    keys: ['proxies'],
  },
  {
    title: 'mocks',
    intro:
      "Mock HTTP services standing in for the providers your service calls. A request is answered by the first route that matches it (404 when none does); the route answers with its `respond` entries in order, each `times` times, and the last entry repeats. A mock can live in a file of its own, as `chaos-gate record` writes one: `- { file: mocks/billing.yml }` (relative to this file), with `name`, `listen` or `seed` beside `file` overriding the file's; its `body_file`s resolve from its own folder.",
    keys: ['mocks'],
  },
  {
    title: 'http_proxies',
    intro:
      'HTTP fault proxies in front of real dependencies (`service ⇄ http proxy ⇄ real HTTP API`): everything passes through as it came until a fault takes a request. Faults match requests like mock routes; the newest that takes a request acts on it. Point your service at `${http_proxies.NAME.url}` (also `CHAOS_GATE_HTTP_PROXY_<NAME>`). See [http-faults.md](http-faults.md).',
    keys: ['http_proxies'],
  },
  {
    title: 'stages',
    intro:
      'Run in the order unit → integration → load → chaos; `--stage` (CLI) or `stages` (action) picks some. A command stage passes when its command exits 0 and its JUnit files (if any) have no failed test. Each stage sees `CHAOS_GATE_STAGE` and may append metric lines to `CHAOS_GATE_METRICS`.',
    keys: ['stages'],
  },
  {
    title: 'thresholds',
    intro:
      'k6-style pass/fail criteria over the metrics of the run, keyed by metric address: `http_req_failed` (the whole run), `load.http_req_duration` (one stage), `chaos.<experiment>.fault.http_req_failed` (one experiment phase). A threshold on a stage, experiment or phase the config does not have is a config error; one left out by `--stage`/`--category` is reported as skipped. See [thresholds.md](thresholds.md) for the expressions and the metrics.',
    keys: ['thresholds'],
  },
  {
    title: 'control, safety, report',
    intro: 'The control API, the rules that keep chaos where it belongs, and what the GitHub Action does with the report.',
    keys: ['control', 'safety', 'report'],
  },
];

/** `[from, to]`: a key under `from` is described as the same key under `to` (tried in turn). */
export const ALIASES: [string, string][] = [
  ['stages.integration.', 'stages.unit.'],
  ['stages.chaos.experiments[].load.', 'stages.load.'],
  ['stages.chaos.matrix.load.', 'stages.load.'],
  ['stages.chaos.matrix.steady_state[].', 'stages.load.flow.steps[].'],
  ['stages.chaos.', 'stages.unit.'],
  ['stages.load.targets[].', 'stages.load.target.'],
  ['stages.load.flows[].', 'stages.load.flow.'],
  ['mocks[].routes[].delay.', 'mocks[].routes[].respond[].delay.'],
  ['mocks[].routes[].dribble.', 'mocks[].routes[].respond[].dribble.'],
  ['fault.', 'proxies[].toxics[].'],
  ['fault.', 'mocks[].routes[].respond[].'],
  ['fault.', 'mocks[].routes[].'],
];

const RUN = 'The command, run with `sh -c` from the working directory; its output is shown and kept in `<report-dir>/logs/<stage>.log`.';
const JUNIT = 'Glob (or list of globs) of the JUnit XML files the command writes; their tests are counted and a failed one fails the stage.';

export const DESCRIPTIONS: Record<string, string> = {
  version: 'The file format version.',
  max_failures: 'Stop after this many failed stages; the rest are reported as not run.',

  services: 'Processes to start before the stages.',
  'services[].name': 'Names its log file and its lines in the output.',
  'services[].run': 'The command that starts it (`sh -c`); it should keep running until stopped (SIGTERM, then SIGKILL after 2 s).',
  'services[].env': 'Extra environment variables; values may use references such as `${proxies.postgres.listen}`.',
  'services[].working_directory': 'Where the command runs, relative to the working directory of chaos-gate.',
  'services[].ready': 'When the service counts as ready; without it the next step starts at once.',
  'services[].ready.http': 'Ready when this URL answers 2xx. Give `http` or `tcp`.',
  'services[].ready.tcp': 'Ready when this address accepts a connection.',
  'services[].ready.timeout': 'The run stops (exit code 3) when the service is not ready by then, or exits first.',
  'services[].faketime':
    "Start it under libfaketime (Debian's and Ubuntu's `faketime` package: `sudo apt-get install -y faketime` on a runner), so an experiment's `time:` fault can move the clock it reads.",
  'services[].restart':
    'Start it again when it exits, through its own `run` and `ready` probe: `never` (its exit fails the run), `on-failure` (a non-zero exit or a signal), `always`. An exit outside a `kill`/`stop` fault of it still fails the run, restarted or not; during one it is expected, and the revert restarts it (`never`: it stays down and the run fails). Consecutive failed restarts wait 100 ms, doubling up to 5 s.',
  'services[].max_restarts': 'Restarts allowed in one run; past them the service stays down and the run fails.',
  'services[].stop_timeout':
    "When the run ends, SIGTERM goes to the service's whole process group; SIGKILL follows only after this, so a flush-on-exit can run.",

  proxies: 'TCP proxies to put faults on.',
  'proxies[].name': 'The name in API paths (`/proxies/postgres/toxics`) and in `CHAOS_GATE_PROXY_<NAME>`.',
  'proxies[].listen': 'Where the proxy listens; your service connects here.',
  'proxies[].upstream': 'Where it forwards to: the real dependency.',
  'proxies[].enabled': '`false`: the proxy refuses connections and drops live ones (Toxiproxy\'s "down").',
  'proxies[].accepting': "`false`: new connections are accepted by the kernel but never served, so connects hang (the TCP gate's stop_accepting).",
  'proxies[].max_connections':
    'Connections served at once, as a pool past its size: past it a new connection is refused or held (`on_max`). Changeable through the API (`null` lifts it).',
  'proxies[].on_max': '`refuse`: a connection past `max_connections` is closed at once (reset); `hold`: it stays connected, unserved, until a slot frees.',
  'proxies[].toxics': 'Toxics present from the start (Toxiproxy ignores this key in its own config).',
  'proxies[].toxics[].name': 'Names the toxic in the API; default `<type>_<stream>`.',
  'proxies[].toxics[].type': 'What it does to the bytes; see [Toxic types](#toxic-types).',
  'proxies[].toxics[].stream': '`upstream`: client → server bytes; `downstream`: server → client bytes.',
  'proxies[].toxics[].toxicity':
    'The chance it acts, rolled once per connection (or per chunk with `toxicity_mode: data`); see [What toxicity means](#what-toxicity-means).',
  'proxies[].toxics[].toxicity_mode':
    "`connection` (Toxiproxy's): each connection is hit for its whole life or spared; `data`: each chunk of data is rolled, about once per request or answer on keep-alive HTTP. `data` only for reset_peer, close_on_data, blackhole and corrupt.",
  'proxies[].toxics[].seed': 'Makes every random roll of the toxic (toxicity, jitter, slicing, corruption) the same on every run.',
  'proxies[].toxics[].attributes': "The type's attributes, e.g. `{ latency: 100, jitter: 20 }`; see [Toxic types](#toxic-types).",

  mocks: 'Mock HTTP services.',
  'mocks[].name': 'The name in API paths (`/mocks/llm/faults`) and in `CHAOS_GATE_MOCK_<NAME>` (its base URL).',
  'mocks[].listen': 'Where the mock listens.',
  'mocks[].routes': 'Routes, tried in order.',
  'mocks[].routes[].name': 'Names the route in the request journal and for faults (`route: chat`); default `METHOD /path`.',
  'mocks[].routes[].request': 'What the route matches; every key given must match. An empty `request` matches everything.',
  'mocks[].routes[].request.method': 'An HTTP method; any when omitted.',
  'mocks[].routes[].request.path':
    'The path exactly, a template with `{name}` segments (`/v1/items/{id}`, read back as `{{request.params.id}}`), or `{ regex }`; any when omitted.',
  'mocks[].routes[].request.path.regex': 'A JavaScript regular expression the whole path must match; named groups become parameters.',
  'mocks[].routes[].request.query': 'Query parameters the request must have.',
  'mocks[].routes[].request.query.<name>': 'The value exactly, or `{ regex }`.',
  'mocks[].routes[].request.query.<name>.regex': 'A regular expression the whole value must match.',
  'mocks[].routes[].request.headers': 'Headers the request must have (names are case-insensitive).',
  'mocks[].routes[].request.headers.<name>': 'The value exactly, or `{ regex }`.',
  'mocks[].routes[].request.headers.<name>.regex': 'A regular expression the whole value must match.',
  'mocks[].routes[].request.json': 'Fields the JSON body must contain: objects match when they hold these keys; arrays and values match exactly.',
  'mocks[].routes[].respond': 'One response, or a sequence of them.',
  'mocks[].routes[].respond[].status': 'The HTTP status.',
  'mocks[].routes[].respond[].headers': 'Response headers; values may be templates.',
  'mocks[].routes[].respond[].json':
    'A JSON body (content-type set for you). Strings may be templates: `{{request.json.model}}`, `{{request.params.id}}`, `{{request.query.page}}`, `{{request.headers.x-id}}`, `{{request.method}}`, `{{request.path}}`, `{{request.body}}`.',
  'mocks[].routes[].respond[].body': 'A text body; may be a template.',
  'mocks[].routes[].respond[].sse': 'A Server-Sent Events stream, as LLM APIs stream tokens.',
  'mocks[].routes[].respond[].sse.events': 'The events: text, or `{ event, id, data }`.',
  'mocks[].routes[].respond[].sse.events[].event': 'The event type (`event:` line).',
  'mocks[].routes[].respond[].sse.events[].id': 'The event id (`id:` line).',
  'mocks[].routes[].respond[].sse.events[].data': 'The data: text, or JSON (serialised).',
  'mocks[].routes[].respond[].sse.interval': 'The pause between events (ms or a duration).',
  'mocks[].routes[].respond[].sse.cut_after': 'Drop the connection after this many events: a stream cut mid-answer.',
  'mocks[].routes[].respond[].body_file': "A file sent as the body, relative to the config file's folder; it must exist.",
  'mocks[].routes[].respond[].times': 'How many requests this entry answers before the next entry; the last entry repeats.',
  'mocks[].routes[].respond[].delay': 'Wait before answering: ms or a duration, `{ min, max }` (uniform) or `{ median, sigma }` (lognormal).',
  'mocks[].routes[].respond[].delay.min': 'The shortest delay of a uniform `{ min, max }`.',
  'mocks[].routes[].respond[].delay.max': 'The longest delay of a uniform `{ min, max }`.',
  'mocks[].routes[].respond[].delay.median': 'The median of a lognormal `{ median, sigma }` delay (long-tailed, as real latency).',
  'mocks[].routes[].respond[].delay.sigma': 'The spread of a lognormal delay, e.g. 0.5.',
  'mocks[].routes[].respond[].dribble': "Send the body in `chunks` writes spread over `duration` (WireMock's chunked dribble delay).",
  'mocks[].routes[].respond[].dribble.chunks': 'How many writes.',
  'mocks[].routes[].respond[].dribble.duration': 'Over how long (ms or a duration).',
  'mocks[].routes[].respond[].fault':
    'A connection fault instead of an answer: `reset` (TCP RST), `empty` (closed, no response), `malformed` (a broken chunked body), `random_then_close` (garbage, then close), `hang` (never answered).',
  'mocks[].routes[].respond[].probability': 'The chance (0..1) that `fault` happens to a request; the others get the answer.',
  'mocks[].routes[].delay': "A delay for every response of the route (same forms as a response's `delay`).",
  'mocks[].routes[].dribble': 'A dribbled body for every response of the route.',
  'mocks[].routes[].fault': 'A connection fault for every response of the route.',
  'mocks[].routes[].probability': "The chance that the route's `fault` happens to a request.",
  'mocks[].routes[].rate_limit': "A token bucket of one second's worth of requests: past it the route answers 429 with `Retry-After` (whole seconds).",
  'mocks[].routes[].rate_limit.rps': 'Requests per second allowed (fractions allowed).',
  'mocks[].seed': 'Seeds every random choice of the mock (probabilities, random delays, garbage bytes): the same run gives the same answers.',

  http_proxies: 'HTTP fault proxies.',
  'http_proxies[].name':
    'The name in API paths (`/http/billing/faults`), in experiments (`http_proxy: billing`) and in `CHAOS_GATE_HTTP_PROXY_<NAME>` (its base URL).',
  'http_proxies[].listen': 'Where the proxy listens; your service sends its requests here instead of to the dependency.',
  'http_proxies[].upstream':
    "The real dependency: `http://host:port` or `https://host`, optionally with a path prefix that every request path is appended to. `Host` is sent as the upstream's. Outside this machine only with `safety.allow_hosts` or `safety.allow_remote`.",
  'http_proxies[].ca_file': 'A PEM file of certificates to trust for an `https` upstream (a self-signed one, a private CA), relative to the config.',
  'http_proxies[].seed': 'Seeds the draws (probability, random delays) of every fault that has no `seed` of its own.',
  'http_proxies[].faults':
    'Faults on from the start; `POST /http/<name>/faults` and experiments add more at run time. A reset keeps these (rewound) and removes the rest.',
  'http_proxies[].faults[].request': 'Which requests it may take; every key given must match. All requests when omitted.',
  'http_proxies[].faults[].request.method': 'An HTTP method; any when omitted.',
  'http_proxies[].faults[].request.path': 'The path exactly, a template with `{name}` segments (`/charges/{id}`), or `{ regex }`; any when omitted.',
  'http_proxies[].faults[].request.path.regex': 'A JavaScript regular expression the whole path must match.',
  'http_proxies[].faults[].request.query': 'Query parameters the request must have.',
  'http_proxies[].faults[].request.query.<name>': 'The value exactly, or `{ regex }`.',
  'http_proxies[].faults[].request.query.<name>.regex': 'A regular expression the whole value must match.',
  'http_proxies[].faults[].request.headers': 'Headers the request must have (names in any case).',
  'http_proxies[].faults[].request.headers.<name>': 'The value exactly, or `{ regex }`.',
  'http_proxies[].faults[].request.headers.<name>.regex': 'A regular expression the whole value must match.',
  'http_proxies[].faults[].exclude': 'Paths it never takes, whatever `request` says: health checks, metrics (`[/health, { regex: "^/internal/" }]`).',
  'http_proxies[].faults[].exclude[].regex': 'A regular expression the whole path must match.',
  'http_proxies[].faults[].when':
    '`request`: act before the upstream is called (a `status` answers without calling it); `response`: call the upstream first, then act on its answer (its body is thrown away for `status` and `abort`).',
  'http_proxies[].faults[].status': 'Answer this status instead of the upstream, with `headers` and a `json` or `body`.',
  'http_proxies[].faults[].headers': 'Headers of the `status` answer.',
  'http_proxies[].faults[].json': "The `status` answer's body as JSON (templates such as `{{request.path}}` allowed).",
  'http_proxies[].faults[].body': "The `status` answer's body as text.",
  'http_proxies[].faults[].delay':
    'Wait before calling the upstream (`when: request`) or before answering (`when: response`): a duration, `{ min, max }` (uniform) or `{ median, sigma }` (lognormal). Never shorter than drawn.',
  'http_proxies[].faults[].delay.min': 'The shortest delay.',
  'http_proxies[].faults[].delay.max': 'The longest delay.',
  'http_proxies[].faults[].delay.median': 'The median of a lognormal delay.',
  'http_proxies[].faults[].delay.sigma': 'Its spread; 0.5 gives a p99 about 3× the median.',
  'http_proxies[].faults[].abort':
    '`reset`: the connection is reset (curl exits 56); `empty`: closed with no answer (curl exits 52); `hang`: never answered, until the client gives up.',
  'http_proxies[].faults[].truncate':
    "Cut the upstream's response body after this many bytes (`0` right after the head), then drop the connection: a client reading the body sees it cut short.",
  'http_proxies[].faults[].throttle': "The upstream's response body at most this many bytes per second (`64KB`), in pieces of a twentieth of a second.",
  'http_proxies[].faults[].header': "Change the upstream's response headers, e.g. a wrong content type.",
  'http_proxies[].faults[].header.set': "Headers set (replacing the upstream's of that name).",
  'http_proxies[].faults[].header.remove': 'Header names removed.',
  'http_proxies[].faults[].rate_limit':
    'Past this rate the proxy answers 429 with `Retry-After` (whole seconds) without calling the upstream; under it requests pass.',
  'http_proxies[].faults[].rate_limit.rps': "Requests per second allowed (a bucket of one second's worth, refilled continuously).",
  'http_proxies[].faults[].probability': 'The chance that it takes a matching request, drawn per request from its seed.',
  'http_proxies[].faults[].times': 'It takes this many requests, then no more.',
  'http_proxies[].faults[].seed': "Makes its draws the same on every run; default derived from the proxy's seed and the fault's place.",

  stages: 'The stages to run; each is optional.',
  'stages.unit': 'Your unit tests: a command.',
  'stages.unit.run': RUN,
  'stages.unit.junit': JUNIT,
  'stages.unit.timeout': 'The whole process tree is killed past this and the stage fails as timed out.',
  'stages.unit.env': 'Extra environment variables for the command.',
  'stages.unit.working_directory': 'Where the command runs, relative to the working directory of chaos-gate.',
  'stages.integration': 'Your integration tests, against the running services, proxies and mocks: a command.',
  'stages.load':
    'Load on your service for `duration`; records `http_reqs`, `http_req_failed`, `http_req_duration` and `dropped_iterations` in the `load` scope.',
  'stages.load.url': 'A URL to GET; shortcut for `target: { url }`. Give one of `url`, `target` or `targets`.',
  'stages.load.target': 'One request to send.',
  'stages.load.target.url': 'An `http://` or `https://` URL (the generator speaks HTTP/1.1, over TLS for https; see `tls`).',
  'stages.load.target.method': 'The HTTP method.',
  'stages.load.target.headers': 'Request headers.',
  'stages.load.target.json': 'A JSON body, sent with `content-type: application/json`.',
  'stages.load.target.body': 'A text body (or use `json`).',
  'stages.load.target.name': 'The `name` tag of its requests, for per-endpoint thresholds (`http_req_duration{name:…}`); by default its method and path.',
  'stages.load.targets': 'Several requests, mixed by `weight`.',
  'stages.load.flow':
    'What each iteration does, step by step: requests whose answers are captured into `{{variables}}` for later steps and checked by `expect` (see docs/load-flows.md). Instead of `url`/`target`/`targets`; `rate` then starts iterations.',
  'stages.load.flow.name': 'The `flow` tag of its requests; `flow` by default.',
  'stages.load.flow.weight': "With `flows`: this flow's share of the iterations, relative to the other weights.",
  'stages.load.flow.data': 'Rows dealt one per iteration; their columns are variables (`{{sku}}`).',
  'stages.load.flow.data.file':
    'A CSV file with a header row, or a JSON array of objects; relative to the working directory, read once when the config loads (64 MiB at most).',
  'stages.load.flow.data.order': '`sequential` (row 1, 2, … and round again) or `random` (drawn from the seed).',
  'stages.load.flow.seed':
    'Seeds `{{random_int}}`, random data rows and think ranges, per iteration: the same seed sends the same values (`{{uuid}}` is random in every run).',
  'stages.load.flow.steps': 'The requests of one iteration, in order.',
  'stages.load.flow.steps[].name':
    'The `name` tag of its requests (`http_req_duration{name:create order}`) and the prefix of its checks; by default its method and path, `{{x}}` shown as `:x`.',
  'stages.load.flow.steps[].method': 'The HTTP method.',
  'stages.load.flow.steps[].url':
    'An `http://` or `https://` URL; its path and query may hold `{{variables}}` and built-ins (`{{uuid}}`, `{{seq}}`, `{{random_int 1 100}}`, `{{now}}`, `{{vu}}`, `{{iteration}}`), its host may not.',
  'stages.load.flow.steps[].headers': 'Request headers; values may hold `{{…}}`.',
  'stages.load.flow.steps[].json':
    'A JSON body; strings may hold `{{…}}`, and a string that is one whole `{{…}}` keeps its value type (a number stays a number).',
  'stages.load.flow.steps[].body': 'A text body, with `{{…}}` (or use `json`).',
  'stages.load.flow.steps[].capture': 'Variables taken from the answer, for later steps. A capture that finds nothing fails as a check and ends the iteration.',
  'stages.load.flow.steps[].capture.<name>': 'Where the variable comes from: `json`, `header` or `regex`.',
  'stages.load.flow.steps[].capture.<name>.json': 'A JSONPath into the body: `$.id`, `$.order.items[0].sku`.',
  'stages.load.flow.steps[].capture.<name>.header': 'A response header.',
  'stages.load.flow.steps[].capture.<name>.regex': 'A regular expression over the body.',
  'stages.load.flow.steps[].capture.<name>.group': 'Which group of the regex to take (0: the whole match).',
  'stages.load.flow.steps[].expect':
    "Checks on the answer, one per item (k6's `check`): counted in the `checks` rate and `checks{check:<name>}`, and listed in the summary with one failing answer each. They do not fail the request.",
  'stages.load.flow.steps[].expect[].name': "The check's name, for `checks{check:…}`; by default the step's name and what it checks.",
  'stages.load.flow.steps[].expect[].status': 'The status, or a list of statuses, the answer must have.',
  'stages.load.flow.steps[].expect[].json': 'A JSONPath into the body, with `equals` or `exists`.',
  'stages.load.flow.steps[].expect[].header': 'A response header, with `equals`, `contains` or `exists`.',
  'stages.load.flow.steps[].expect[].equals': 'The value it must have (text may hold `{{…}}`; a number equals its text).',
  'stages.load.flow.steps[].expect[].exists': '`true`: it must be there; `false`: it must not.',
  'stages.load.flow.steps[].expect[].contains': 'Text the body (or the header) must contain.',
  'stages.load.flow.steps[].think': 'A pause after the answer, before the next step: a time, or `{ min, max }` drawn from the seed.',
  'stages.load.flow.steps[].think.min': 'The shortest pause.',
  'stages.load.flow.steps[].think.max': 'The longest pause.',
  'stages.load.flow.steps[].timeout': "This step's timeout, instead of the load's `timeout`.",
  'stages.load.flow.module':
    'A JavaScript module exporting `async function* flow(ctx)`, for what YAML cannot say: each `yield { url, method, headers, json }` sends a request and evaluates to its answer (see docs/load-flows.md). Instead of `steps`.',
  'stages.load.flows': 'Several flows; each iteration runs one of them, mixed by `weight` (exactly, not at random).',
  'stages.load.targets[].weight': "This target's share of the requests, relative to the other weights.",
  'stages.load.rate':
    'Open model: requests start at this rate (`200/s`, `30/m`) whatever the responses do, as real users arrive. Give `rate` or `connections`.',
  'stages.load.connections': 'Closed model: this many connections, each sending its next request when the last one is answered.',
  'stages.load.ramp_up': 'The rate (or connections) grows linearly from 0 over this long.',
  'stages.load.stages':
    "A ramp in stages instead of `rate`/`connections`/`ramp_up` (k6's ramping-arrival-rate and ramping-vus): from 0, each stage moves linearly to its target over its duration, and the last target holds after them. The load stage's `duration` defaults to their total.",
  'stages.load.stages[].duration': 'How long this stage takes to reach its target.',
  'stages.load.stages[].target':
    'A rate (`200/s`, `0/s` to ramp down to nothing: the open model) or a number of connections (`50`: the closed model); every stage uses the same model.',
  'stages.load.timeout': 'A request unanswered after this long fails as a timeout.',
  'stages.load.tls': "For `https://` targets: which certificates to trust. Without it, the system's CAs.",
  'stages.load.tls.ca':
    'A PEM file of certificates to trust (a local self-signed one, a private CA), relative to the working directory. An untrusted certificate stops the load before it starts, named.',
  'stages.load.tls.insecure': 'Trust any certificate (no check): for a local self-signed one when its file is not at hand.',
  'stages.load.keep_alive':
    '`false`: every request says `connection: close` and goes on a new connection (a TLS handshake each, for https), as clients without a pool do.',
  'stages.load.max_in_flight':
    'Open model: requests in flight at most (default 1000); one due beyond it is dropped and counted in `dropped_iterations`, as k6 does.',
  'stages.load.expect': 'What counts as a success.',
  'stages.load.expect.status': 'The statuses that count as success; by default any status below 400.',
  'stages.load.duration':
    'How long the load stage runs: required without `stages`; with them their total unless given (and then at least that, the last target holding after them).',
  'stages.chaos': 'Chaos: a test command that drives faults through the control API, experiments, or both (the command runs first).',
  'stages.chaos.experiments': 'Fault windows under load, run one after another.',
  'stages.chaos.matrix':
    'The resilience matrix: every dependency × every fault class, each cell a short experiment under one load, judged survived, degraded, failed or skipped (see docs/matrix.md). Runs after the experiments; `chaos-gate explore` runs it alone.',
  'stages.chaos.matrix.load': "The load every cell runs under: the keys of an experiment's `load`.",
  'stages.chaos.matrix.dependencies': '`all` (every proxy, HTTP proxy and mock, in that order), or a list of their names.',
  'stages.chaos.matrix.faults':
    'The fault classes to try: `latency` (+500 ms), `down` (every connection or request reset), `reset` (TCP: every connection cut after 2 KB; HTTP: 30% of requests reset), `slow_body` (10 KB/s), `errors` (30% answered 503; mocks and HTTP proxies only).',
  'stages.chaos.matrix.steady': "Each cell's steady phase before its fault; shortened (to 1s at least) to fit the budget.",
  'stages.chaos.matrix.hold': 'How long each cell holds its fault; shortened (to 1s at least) to fit the budget.',
  'stages.chaos.matrix.recover_within': 'A cell not back at its steady success rate this long after the revert failed, and the cells after it are skipped.',
  'stages.chaos.matrix.budget': 'The whole matrix fits in this: phases are shortened, then cells past it are skipped, named.',
  'stages.chaos.matrix.survive': 'What surviving a fault means, measured while it is in.',
  'stages.chaos.matrix.survive.success_rate': 'The least share of requests that must succeed during the fault.',
  'stages.chaos.matrix.survive.p95': 'The longest p95 latency during the fault.',
  'stages.chaos.matrix.steady_state':
    'Requests (flow steps, without `think`) whose `expect`s must all hold before the first cell, and again within `recover_within` after each one: the health a success rate cannot see (a cache that never reconnects), and invariants. A cell after which they do not hold fails, and the cells after it are skipped.',
  'stages.chaos.experiments[].name': 'Names the experiment in the report and in metric addresses: `chaos.<name>.fault.http_req_failed`.',
  'stages.chaos.experiments[].tags': 'Categories; `--category` (CLI) or `categories` (action) runs only the experiments tagged with one of them.',
  'stages.chaos.experiments[].load': 'The load during the experiment: the keys of `stages.load` without `duration` (the phases time it).',
  'stages.chaos.experiments[].steady': 'Load without the fault first: the success rate to recover to.',
  'stages.chaos.experiments[].fault':
    'What to inject: a toxic with `proxy:`, a mock fault with `mock:` or a process fault with `service:`, or a list of them applied together and reverted together; see [Experiment faults](#experiment-faults). It is always reverted, whatever happens. Give `fault:` or `steps:`.',
  'stages.chaos.experiments[].steps':
    "A scenario that changes over the hold, instead of `fault:`: at each step's `at` (the first at 0s, each later one within the hold) its faults replace the step before's. The report gives each step's start (`steps`). See [Several faults, steps and ramps](#several-faults-steps-and-ramps).",
  'stages.chaos.experiments[].steps[].at': 'When the step begins, from the start of the fault phase.',
  'stages.chaos.experiments[].steps[].fault': "The step's fault, or a list applied together.",
  'stages.chaos.experiments[].ramp':
    "Moves one numeric attribute of the experiment's toxics linearly over the hold, from `from` (applied with the fault) to `to` (at the end of the hold).",
  'stages.chaos.experiments[].ramp.attribute': 'The attribute to move, e.g. `latency`; some toxic of the experiment must have it.',
  'stages.chaos.experiments[].ramp.from': 'Its value when the fault starts.',
  'stages.chaos.experiments[].ramp.to': 'Its value at the end of the hold.',
  'stages.chaos.experiments[].ramp.every': 'How often the value moves on.',
  'stages.chaos.experiments[].hold': 'How long the fault stays.',
  'stages.chaos.experiments[].recover_within':
    'The experiment fails when the success rate is not back at the steady level this long after the revert (`recovery_time`).',
  'stages.chaos.experiments[].repeat':
    'Inject the fault this many times, steady → fault → recovery each; `recovery_time` gets one value per injection, and the report its p50/p90/p99/max. Stops at an injection that does not recover.',
  'stages.chaos.experiments[].fail_on_vacuous':
    'Fail the experiment when its fault reached nothing (no connection through the proxy, no request at the mock, or no request of its load while it was on); otherwise that is a warning. See [thresholds.md](thresholds.md#reach-and-vacuous-faults).',
  'stages.chaos.experiments[].recovery': 'How long to watch for recovery after the revert; default twice `recover_within` (at least 2 s), or 10 s.',

  thresholds: 'Thresholds by metric address.',
  'thresholds.<metric>': 'An expression such as `rate<0.05` or `p(99)<500`, the long form, or a list of either.',
  'thresholds.<metric>.threshold':
    "The expression: `count`, `rate`, `value`, `avg`, `min`, `max`, `med` or `p(N)`, an operator, and a number or `baseline` (`p(99)<baseline*1.2`). An aggregation a built-in metric's type does not have (`p(99)` on `http_req_failed`) is a config error.",
  'thresholds.<metric>.abort_on_fail': 'Stop the run as soon as this threshold is broken.',
  'thresholds.<metric>.delay_abort_eval': 'With `abort_on_fail`: do not judge before this much of the run has passed.',
  'thresholds.<metric>.confidence':
    'Judge the interval, not the estimate (rates and percentiles, with `<`, `<=`, `>`, `>=`): held when the whole interval (Wilson for rates, order statistics for percentiles) is on the right side of the limit, broken when it is all on the wrong side, otherwise inconclusive. E.g. `0.95`. See [Confidence intervals](thresholds.md#confidence-intervals).',
  'thresholds.<metric>.on_inconclusive':
    'With `confidence`: what an inconclusive threshold counts as. `fail` or `pass`; `extend` (on `chaos.<experiment>.fault.<metric>` only) holds the fault longer, up to `max_hold`, until the answer is clear, and fails if it never is.',
  'thresholds.<metric>.max_hold': "With `on_inconclusive: extend`: the longest the fault may be held in all; default three times the experiment's `hold`.",

  control: "The control API: Toxiproxy's HTTP API plus mocks and metrics ([control-api.md](control-api.md)).",
  'control.listen':
    'Where the API listens; stages and services get it as `CHAOS_GATE_API` and `TOXIPROXY_URL`. An address beyond loopback (`0.0.0.0:8474`) needs `control.token`.',
  'control.token': 'When set, every call needs `Authorization: Bearer <token>`; stages get it as `CHAOS_GATE_TOKEN`.',
  safety: 'Limits that keep chaos from outliving the run or reaching production.',
  'safety.max_duration': 'The whole run is stopped, faults reverted and a partial report written past this.',
  'safety.fault_ttl': 'A fault added through the API removes itself after this, even if the test that added it crashed.',
  'safety.forbid_env': 'Refuse to run when one of these variables has this value.',
  'safety.allow_remote':
    'Allow proxy upstreams outside this machine (only loopback and bare service names such as `postgres` count as local; private ranges do not), and proxies and mocks created through the API to listen beyond loopback.',
  'safety.allow_hosts':
    'Upstream hosts allowed without `allow_remote`: names, addresses or ranges (`10.1.2.3`, `192.168.0.0/16`, `fc00::/7`, `db.internal`). Inside a cloud network a private address can be production, so it must be listed.',
  report: "The report's GitHub side.",
  'report.comment': "Post one sticky comment on the pull request. (The action's `comment` input decides today.)",
  'report.artifact': "Name of the uploaded report artifact. (The action's `artifact-name` input decides today.)",
  'report.baseline': 'A branch (e.g. `main`) whose latest report is the baseline: deltas in the summary, and thresholds such as `p(99)<baseline*1.2`.',
  'report.junit_limit':
    "The most the test cases read from one stage's JUnit files keep for the report's junit.xml (names and first failure lines). Past it, cases are counted (the counts stay exact) but not listed, and the stage's note says how many were left out. Writing junit.xml takes about 20 times this in memory.",
  'report.log_limit':
    "The most one stage's or service's log (`logs/<name>.log`) keeps: its first and last halves, with a line saying what was dropped between them. Lines longer than 1 MB are cut, saying so.",

  'fault.proxy': 'The proxy to put the toxic on.',
  'fault.seed': 'Makes every random roll of the fault the same on every run.',
  'fault.mock': 'The mock to put the fault on.',
  'fault.service': 'The declared service (`services[].name`) whose process group takes the fault.',
  'fault.action':
    '`kill`: SIGKILL to the whole group, a crash; the revert lets its `restart` policy start it again. `stop`: SIGTERM, then SIGKILL after its `stop_timeout`; reverted as `kill`. `freeze`: SIGSTOP to the group for the hold (connections stay open, nothing answers), SIGCONT on the revert.',
  'fault.route': "A route's name or index; the whole mock (unmatched requests too) when omitted.",
  'fault.status': 'Answer with this status instead of the route (200 when only a body is given).',
  'fault.probability': 'The chance (0..1) that the fault applies to a request.',
  'fault.times': 'The fault applies to this many requests, then no more.',
};

/** Each toxic type (`type`) and its attributes (`type.attribute`). */
export const TOXIC_DESCRIPTIONS: Record<string, string> = {
  latency: 'Holds every chunk `latency` ± `jitter` ms (from its own arrival, in order).',
  'latency.latency': 'ms added',
  'latency.jitter': '± ms at random',
  bandwidth: 'Passes bytes at `rate` KB/s (1 KB = 1000 bytes).',
  'bandwidth.rate': 'KB/s',
  slow_close: 'Holds the end of the stream (FIN) for `delay` ms.',
  'slow_close.delay': 'ms',
  timeout: 'Nothing passes; the connection closes `timeout` ms after the toxic starts on it (0: never). Removing it closes connections that lost bytes.',
  'timeout.timeout': 'ms, 0 for never',
  reset_peer: 'The first bytes (or the end of the stream) start a `timeout` ms countdown, then a TCP RST to both peers.',
  'reset_peer.timeout': 'ms, 0 for at once',
  slicer: 'Cuts chunks into pieces of about `average_size` ± `size_variation` bytes, `delay` µs apart.',
  'slicer.average_size': 'bytes',
  'slicer.size_variation': 'bytes, below average_size',
  'slicer.delay': 'µs between pieces',
  limit_data: 'The first `bytes` bytes pass, then the connection is closed.',
  noop: "Bytes pass untouched (Toxiproxy's noop, for checking a client or the API).",
  'limit_data.bytes': 'bytes',
  stall: 'Stops reading: the sender meets backpressure, as with an overloaded or deadlocked peer.',
  blackhole: 'Reads and discards: the receiver never hears anything.',
  close_on_data: 'Closes the connection on its first bytes.',
  corrupt: 'Flips each bit with `probability` (1 inverts every byte).',
  'corrupt.probability': 'chance per bit',
  limit_time: 'Bytes pass; `time` ms (+ up to `jitter` ms) after the first byte the connection is closed.',
  'limit_time.time': 'ms',
  'limit_time.jitter': 'up to ms more, at random',
};
