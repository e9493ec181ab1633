import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);
import "./chunks/chunk-MWTDHI2K.js";

// src/client/http.ts
var ChaosGateApiError = class extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
    this.name = "ChaosGateApiError";
  }
  status;
};
var ApiHttp = class {
  url;
  token;
  constructor(options = {}) {
    this.url = (options.url ?? process.env.CHAOS_GATE_API ?? "http://127.0.0.1:8474").replace(/\/$/, "");
    this.token = options.token ?? process.env.CHAOS_GATE_TOKEN;
  }
  /** Sends a JSON request; resolves with the parsed JSON body (undefined for 204), rejects with ChaosGateApiError. */
  async request(method, path, body) {
    const headers = {};
    if (body !== void 0) headers["content-type"] = "application/json";
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(this.url + path, {
      method,
      headers,
      body: body === void 0 ? void 0 : JSON.stringify(body)
    });
    const text = await response.text();
    const parsed = text === "" ? void 0 : JSON.parse(text);
    if (!response.ok) {
      const message = parsed?.error ?? `HTTP ${response.status}`;
      throw new ChaosGateApiError(response.status, `${method} ${path}: ${message}`);
    }
    return parsed;
  }
};

// src/client/mock.ts
var MockClient = class {
  constructor(http, name) {
    this.http = http;
    this.name = name;
    this.base = `/mocks/${encodeURIComponent(name)}`;
  }
  http;
  name;
  base;
  /** Routes with their match counts, active faults, URL. */
  info() {
    return this.http.request("GET", this.base);
  }
  /** Switches a fault on; resolves with it (its `id` switches it off). */
  addFault(fault) {
    return this.http.request("POST", `${this.base}/faults`, fault);
  }
  faults() {
    return this.http.request("GET", `${this.base}/faults`);
  }
  async removeFault(id) {
    await this.http.request("DELETE", `${this.base}/faults/${encodeURIComponent(id)}`);
  }
  /** Switches every injected fault off. */
  async clearFaults() {
    await this.http.request("DELETE", `${this.base}/faults`);
  }
  /** Journal entries matching the filter, oldest first. */
  async requests(filter = {}) {
    return this.rest(await this.http.request("GET", `${this.base}/requests${queryString(filter)}`), filter);
  }
  /** How many journal entries match the filter. */
  async count(filter = {}) {
    return (await this.http.request("GET", `${this.base}/requests${queryString(filter)}`)).count;
  }
  /** Waits until `count` entries match (up to `timeoutMs`, max 60000); rejects when fewer arrived. */
  async waitForRequests(count, filter = {}, timeoutMs = 5e3) {
    const page = await this.http.request("GET", `${this.base}/requests${queryString(filter, { wait: count, timeout: timeoutMs })}`);
    if (page.count < count) throw new Error(`mock ${this.name}: ${page.count} of ${count} requests${describe(filter)} after ${timeoutMs}ms`);
    return this.rest(page, filter);
  }
  /** The journal comes in pages (up to 1000 entries or 8 MB each): this page's entries and every following page's. */
  async rest(first, filter) {
    const entries = [...first.requests];
    for (let page = first; page.next !== null; ) {
      page = await this.http.request("GET", `${this.base}/requests${queryString(filter, { after: page.next })}`);
      entries.push(...page.requests);
    }
    return entries;
  }
  async clearRequests() {
    await this.http.request("DELETE", `${this.base}/requests`);
  }
  /** Injected faults off, sequences back to their first response, journal cleared. */
  async reset() {
    await this.http.request("POST", `${this.base}/reset`);
  }
};
function queryString(filter, extra = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...extra })) if (value !== void 0) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}
function describe(filter) {
  const parts = Object.entries(filter).filter(([, v]) => v !== void 0);
  return parts.length ? ` with ${parts.map(([k, v]) => `${k}=${v}`).join(", ")}` : "";
}

// src/client/proxy.ts
var STREAM = { server: "upstream", client: "downstream" };
var ProxyClient = class {
  constructor(http, name) {
    this.http = http;
    this.name = name;
    this.path = `/proxies/${encodeURIComponent(name)}`;
  }
  http;
  name;
  path;
  /** The proxy as the API sees it now. */
  info() {
    return this.http.request("GET", this.path);
  }
  /** Changes listen, upstream, enabled or accepting (a new listen or upstream restarts the proxy). */
  update(change) {
    return this.http.request("POST", this.path, change);
  }
  /** Refuses connections (the listener closes) and closes live ones, as Toxiproxy's `enabled: false`. */
  disable() {
    return this.update({ enabled: false });
  }
  /** Listens again (on the same address) after `disable`. */
  enable() {
    return this.update({ enabled: true });
  }
  /** New connections are accepted at TCP level but never served (TcpGate's stop_accepting). */
  stopAccepting() {
    return this.update({ accepting: false });
  }
  /** Serves new connections again, and those that waited meanwhile. */
  startAccepting() {
    return this.update({ accepting: true });
  }
  /** Closes every live connection through the proxy now (TcpGate's sockets_close). */
  async closeAll() {
    await this.http.request("POST", `${this.path}/close`);
  }
  /** Live connections through the proxy. */
  async connectionsCount() {
    return (await this.http.request("GET", `${this.path}/connections`)).count;
  }
  /** Resolves with the count once `count` connections are live; rejects (status 408) after `timeoutMs`. */
  async waitForConnections(count = 1, timeoutMs = 3e4) {
    const query = `?wait=${count}&timeout=${Math.round(timeoutMs)}`;
    return (await this.http.request("GET", `${this.path}/connections${query}`)).count;
  }
  /** The proxy's toxics, upstream ones first. */
  toxics() {
    return this.http.request("GET", `${this.path}/toxics`);
  }
  /** Adds any toxic (Toxiproxy's or the TCP gate's types); live connections get it at once. */
  addToxic(toxic) {
    return this.http.request("POST", `${this.path}/toxics`, toxic);
  }
  /** New attributes (merged over the current ones) and/or toxicity; live connections switch at once. */
  updateToxic(name, change) {
    return this.http.request("POST", `${this.path}/toxics/${encodeURIComponent(name)}`, change);
  }
  /** Removes a toxic; bytes it holds are passed on, none lost. */
  async removeToxic(name) {
    await this.http.request("DELETE", `${this.path}/toxics/${encodeURIComponent(name)}`);
  }
  /** Client → server bytes pass untouched. */
  toServerPass = () => this.pass("server");
  /** Server → client bytes pass untouched. */
  toClientPass = () => this.pass("client");
  /** Delays client → server bytes by `ms` ± `jitterMs`. */
  toServerDelay = (ms, jitterMs = 0) => this.set("server", "latency", { latency: ms, jitter: jitterMs });
  toClientDelay = (ms, jitterMs = 0) => this.set("client", "latency", { latency: ms, jitter: jitterMs });
  /** Stops reading the client: it meets backpressure, as with an overloaded or deadlocked server (TcpGate's noop). */
  toServerStall = () => this.set("server", "stall", {});
  toClientStall = () => this.set("client", "stall", {});
  /** Client → server bytes are read and discarded; the server never hears anything. */
  toServerBlackhole = () => this.set("server", "blackhole", {});
  toClientBlackhole = () => this.set("client", "blackhole", {});
  /** The connection closes on the first client → server bytes. */
  toServerCloseOnData = () => this.set("server", "close_on_data", {});
  toClientCloseOnData = () => this.set("client", "close_on_data", {});
  /** Flips each client → server bit with `probability` (1: every byte inverted); `seed` repeats the flips. */
  toServerCorrupt = (probability = 1, seed) => this.set("server", "corrupt", { probability }, seed);
  toClientCorrupt = (probability = 1, seed) => this.set("client", "corrupt", { probability }, seed);
  /** Limits client → server bandwidth to `bytesPerSecond`. */
  toServerLimitBps = (bytesPerSecond) => this.set("server", "bandwidth", { rate: bytesPerSecond / 1e3 });
  toClientLimitBps = (bytesPerSecond) => this.set("client", "bandwidth", { rate: bytesPerSecond / 1e3 });
  /** Closes a connection `ms` (+ up to `jitterMs`) after its first client → server byte. */
  toServerLimitTime = (ms, jitterMs = 0) => this.set("server", "limit_time", { time: ms, jitter: jitterMs });
  toClientLimitTime = (ms, jitterMs = 0) => this.set("client", "limit_time", { time: ms, jitter: jitterMs });
  /** Closes a connection once `bytes` client → server bytes have passed. */
  toServerLimitBytes = (bytes) => this.set("server", "limit_data", { bytes });
  toClientLimitBytes = (bytes) => this.set("client", "limit_data", { bytes });
  /** Passes client → server bytes in pieces of at most `maxSize`, `sleepPerPacketMs` apart. */
  toServerSmallerParts = (maxSize, sleepPerPacketMs = 0) => this.set("server", "slicer", { average_size: maxSize, size_variation: 0, delay: sleepPerPacketMs * 1e3 });
  toClientSmallerParts = (maxSize, sleepPerPacketMs = 0) => this.set("client", "slicer", { average_size: maxSize, size_variation: 0, delay: sleepPerPacketMs * 1e3 });
  /** Client → server bytes are dropped; the connection closes after `ms` (0: never). */
  toServerTimeout = (ms = 0) => this.set("server", "timeout", { timeout: ms });
  toClientTimeout = (ms = 0) => this.set("client", "timeout", { timeout: ms });
  /** The first client → server bytes reset the connection (a TCP RST both ways), after `ms`. */
  toServerResetPeer = (ms = 0) => this.set("server", "reset_peer", { timeout: ms });
  toClientResetPeer = (ms = 0) => this.set("client", "reset_peer", { timeout: ms });
  /** Holds the end of the client → server stream (FIN) for `ms`. */
  toServerSlowClose = (ms) => this.set("server", "slow_close", { delay: ms });
  toClientSlowClose = (ms) => this.set("client", "slow_close", { delay: ms });
  /** Makes `type` the one condition of a direction; the same type is updated in place (no gap without it). */
  async set(side, type, attributes, seed) {
    const stream = STREAM[side];
    const name = `to_${side}`;
    const current = (await this.toxics()).filter((t) => t.stream === stream);
    if (current.length === 1 && current[0].name === name && current[0].type === type && seed === current[0].seed) {
      return this.updateToxic(name, { attributes });
    }
    await Promise.all(current.map((t) => this.removeToxic(t.name)));
    return this.addToxic({ name, type, stream, attributes, ...seed === void 0 ? {} : { seed } });
  }
  async pass(side) {
    const stream = STREAM[side];
    const current = (await this.toxics()).filter((t) => t.stream === stream);
    await Promise.all(current.map((t) => this.removeToxic(t.name)));
  }
};

// src/client/index.ts
var ChaosGate = class {
  http;
  constructor(options = {}) {
    this.http = new ApiHttp(options);
  }
  /** The control API base URL in use. */
  get url() {
    return this.http.url;
  }
  /** One proxy by name (no call is made until a method is used). */
  proxy(name) {
    return new ProxyClient(this.http, name);
  }
  /** One mock by name: faults on and off, the request journal. */
  mock(name) {
    return new MockClient(this.http, name);
  }
  /** Reports metric lines (the CHAOS_GATE_METRICS format) to the running stage, e.g. `{ name: 'deadlocks', type: 'counter', value: 0 }`. */
  async metric(...lines) {
    await this.http.request("POST", "/metrics", lines);
  }
  /** Every proxy, by name. */
  proxies() {
    return this.http.request("GET", "/proxies");
  }
  /** Back to the start: every proxy enabled and accepting with no toxics (Toxiproxy's /reset), mocks reset. */
  async reset() {
    await this.http.request("POST", "/reset");
  }
};
export {
  ChaosGate,
  ChaosGateApiError,
  MockClient,
  ProxyClient
};
