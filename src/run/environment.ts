/**
 * Everything a run stands up before its stages and tears down after them:
 *
 *   control API ──► proxies (client ⇄ proxy ⇄ upstream)
 *               └─► mocks (stand-in HTTP providers)
 *   services (the system under test), started last, stopped first; restarted by their policy
 *
 * Stopping is idempotent and always total: faults reverted, listeners closed, process trees killed.
 */
import { ListenError } from '../address.js';
import { ControlServer } from '../control/server.js';
import type { ServiceFaults } from '../control/services.js';
import { controlRouter } from '../control/api.js';
import { envName } from '../config/consistency.js';
import type { Config } from '../config/schema.js';
import { EnvironmentError } from '../errors.js';
import type { MetricSet } from '../gate/metrics.js';
import type { JournalEntry } from '../mock/journal.js';
import { HttpProxyRegistry } from '../http-proxy/registry.js';
import { MockRegistry } from '../mock/registry.js';
import { ProxyRegistry } from '../proxy/registry.js';
import type { StageName } from '../results/types.js';
import type { Log } from '../log.js';
import type { ProcessGroups } from '../stages/spawn.js';
import { isRemote, REMOTE_HINT } from './safety.js';
import { SupervisedService } from './services.js';

/** SIGTERM to SIGKILL for services in an emergency stop. */
const EMERGENCY_GRACE_MS = 500;

export interface EnvironmentOptions {
  cwd: string;
  logDir: string;
  log: Log;
  signal: AbortSignal;
  /** The metric set POST /metrics records into (the running stage's). */
  currentMetrics: () => MetricSet;
  /** Where the services' process groups are tracked. */
  groups?: ProcessGroups;
}

export class Environment {
  readonly proxies: ProxyRegistry;
  readonly mocks: MockRegistry;
  readonly httpProxies: HttpProxyRegistry;
  private control?: ControlServer;
  private services: SupervisedService[] = [];
  private stopped?: Promise<void>;
  /** What went wrong while the stages ran: a service that died. */
  readonly errors: string[] = [];

  private constructor(
    private readonly config: Config,
    private readonly options: EnvironmentOptions,
  ) {
    // A fault added at run time removes itself after safety.fault_ttl; a proxy added at run time
    // (POST /proxies, /populate) may not point outside this machine either, unless safety.allow_remote.
    const refuseUpstream = (upstream: string) =>
      !config.safety.allow_remote && isRemote(upstream, config.safety.allow_hosts) ? `${upstream} is outside this machine; ${REMOTE_HINT}` : undefined;
    this.proxies = new ProxyRegistry({ faultTtlMs: config.safety.fault_ttl, refuseUpstream });
    this.mocks = new MockRegistry({ faultTtlMs: config.safety.fault_ttl });
    this.httpProxies = new HttpProxyRegistry({
      faultTtlMs: config.safety.fault_ttl,
      refuseUpstream,
      observe: (proxy, entry) => recordExchange(options.currentMetrics(), proxy, entry),
    });
  }

  /** Starts everything in order; on any failure stops what started and throws EnvironmentError. */
  static async start(config: Config, options: EnvironmentOptions): Promise<Environment> {
    const environment = new Environment(config, options);
    try {
      await environment.startAll();
    } catch (error) {
      await environment.stop();
      throw error;
    }
    return environment;
  }

  /** Control API base URL, e.g. http://127.0.0.1:8474. */
  get controlUrl(): string {
    return this.control!.url;
  }

  /** The variables every stage and service sees (DESIGN.md, "What the stages see"). */
  variables(stage?: StageName): Record<string, string> {
    const vars: Record<string, string> = { CHAOS_GATE_API: this.controlUrl, TOXIPROXY_URL: this.controlUrl };
    if (this.config.control.token) vars.CHAOS_GATE_TOKEN = this.config.control.token;
    for (const proxy of this.proxies.list()) vars[`CHAOS_GATE_PROXY_${envName(proxy.name)}`] = proxy.listen;
    for (const mock of this.mocks.list()) vars[`CHAOS_GATE_MOCK_${envName(mock.name)}`] = mock.url;
    for (const proxy of this.httpProxies.list()) vars[`CHAOS_GATE_HTTP_PROXY_${envName(proxy.name)}`] = proxy.url;
    if (stage) vars.CHAOS_GATE_STAGE = stage;
    return vars;
  }

  private async startAll(): Promise<void> {
    const { config, options } = this;
    const router = controlRouter({
      proxies: this.proxies,
      mocks: this.mocks,
      httpProxies: this.httpProxies,
      services: this.serviceFaults(config.safety.fault_ttl),
      currentMetrics: options.currentMetrics,
      allowRemoteListen: config.safety.allow_remote,
    });
    this.control = new ControlServer({ listen: config.control.listen, token: config.control.token, router });
    await bind(`control API on ${config.control.listen}`, () => this.control!.start());
    for (const proxy of config.proxies) await bind(`proxy "${proxy.name}" on ${proxy.listen}`, () => this.proxies.create(proxy, { declared: true }));
    for (const mock of config.mocks) await bind(`mock "${mock.name}" on ${mock.listen}`, () => this.mocks.create(mock));
    for (const proxy of config.http_proxies) await bind(`http proxy "${proxy.name}" on ${proxy.listen}`, () => this.httpProxies.create(proxy));
    // An emergency stop (Ctrl-C, cancel, max_duration) ends the services now, alongside the stage's
    // own 1 s grace, not after it: the whole stop must fit in 2 s.
    options.signal.addEventListener('abort', () => void Promise.all(this.services.map((s) => s.shutdown(Math.min(EMERGENCY_GRACE_MS, s.stopTimeout)))), {
      once: true,
    });
    for (const service of config.services) {
      options.log.info(`starting service ${service.name}: ${service.run}`);
      // The system under test dying mid-run (outside its own kill or stop fault) is a finding, not noise.
      const supervised = new SupervisedService(service, { ...options, env: this.variables(), logLimit: config.report.log_limit }, (message) => {
        if (this.stopped || options.signal.aborted) return;
        this.errors.push(message);
        options.log.error(message);
      });
      await supervised.start();
      this.services.push(supervised);
    }
  }

  /**
   * The services as fault targets, for experiments and the control API: a freeze through the API
   * resumes by itself after its duration or `fault_ttl`, whichever comes first.
   */
  serviceFaults(faultTtl?: number): ServiceFaults {
    const find = (name: string) => {
      const service = this.services.find((s) => s.name === name);
      if (!service) throw new EnvironmentError(`no service named "${name}"`);
      return service;
    };
    return {
      list: () => this.services.map((s) => s.status()),
      inject: (name, action, by, durationMs) => {
        const ttl = durationMs === undefined ? faultTtl : faultTtl === undefined ? durationMs : Math.min(durationMs, faultTtl);
        return find(name).inject(action, by, action === 'freeze' ? ttl : undefined);
      },
      revert: (name) => find(name).revert(),
      skewClock: (name, offsetMs, by, rate) => find(name).skewClock(offsetMs, by, rate),
      revertAll: async () => void (await Promise.all(this.services.map((s) => s.revert()))),
    };
  }

  /** Stops services first (they hold connections through the proxies), then mocks, proxies and the API. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      // Each service gets its stop_timeout (2 s by default) between SIGTERM and SIGKILL to flush and exit.
      // A frozen service is resumed before its SIGTERM (shutdown does it).
      const grace = (stopTimeout: number) => (this.options.signal.aborted ? Math.min(EMERGENCY_GRACE_MS, stopTimeout) : stopTimeout);
      await Promise.all(this.services.map((s) => s.shutdown(grace(s.stopTimeout))));
      await this.mocks.closeAll();
      await this.httpProxies.closeAll();
      await this.proxies.closeAll();
      await this.control?.stop().catch(() => undefined);
    })();
    return this.stopped;
  }
}

/**
 * An HTTP proxy's exchange as metrics of the running stage, named for the proxy so a threshold can
 * single out one dependency: `chaos.http_proxy_billing_upstream_duration: p(95)<300`.
 */
function recordExchange(metrics: MetricSet, proxy: string, entry: JournalEntry): void {
  const { exchange } = entry;
  if (!exchange) return;
  const names = exchangeMetricNames(proxy);
  metrics.counter(names.requests).add(1);
  metrics.trend(names.duration).add(exchange.durationMs);
  if (exchange.upstreamMs !== undefined) metrics.trend(names.upstream).add(exchange.upstreamMs);
  metrics.rate(names.faulted).add(entry.fault !== undefined);
  metrics.rate(names.failed).add(exchange.error !== undefined || entry.status === undefined || entry.status >= 500);
}

const metricNames = new Map<string, Record<'requests' | 'duration' | 'upstream' | 'faulted' | 'failed', string>>();

/** Made once per proxy: an exchange costs five lookups, not five string builds. */
function exchangeMetricNames(proxy: string) {
  let names = metricNames.get(proxy);
  if (!names) {
    const prefix = `http_proxy_${envName(proxy).toLowerCase()}_`;
    names = {
      requests: `${prefix}requests`,
      duration: `${prefix}duration`,
      upstream: `${prefix}upstream_duration`,
      faulted: `${prefix}faulted`,
      failed: `${prefix}failed`,
    };
    metricNames.set(proxy, names);
  }
  return names;
}

/** Runs a listen step; whatever stops it (a port taken, an address not here) becomes an EnvironmentError naming it. */
async function bind(what: string, listen: () => Promise<unknown>): Promise<void> {
  try {
    await listen();
  } catch (error) {
    const why = error instanceof ListenError ? error.reason : (error as Error).message;
    throw new EnvironmentError(`cannot start the ${what}: ${why}`);
  }
}
