/**
 * The terminal face: `chaos-gate run|merge|validate|init|serve|record`, and `proxy|toxic` (toxiproxy-cli's verbs, in toxics.ts). Parses arguments, calls the same run()
 * as the action, and turns outcomes into exit codes: 0 passed, 1 failed, 2 bad config or usage,
 * 3 the environment could not start or chaos-gate itself failed (an internal error).
 */
import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { UsageError, UserFacingError } from '../errors.js';
import type { RunReport } from '../results/types.js';
import type { Log } from '../log.js';
import type { ProcessGroups } from '../stages/spawn.js';
import type { RunOptions } from '../run/run.js';
import type { Config } from '../config/schema.js';
import { addFaultCommands } from './toxics.js';
import { terminalLog } from './log.js';

// Each command imports what it runs when it runs: `proxy list` need not load the config schemas,
// the report renderers or the load engine, and a long-lived `serve` keeps a smaller heap (every
// full GC walks it; a proxy under traffic triggers one per ~40 MB of socket buffers).

declare const CHAOS_GATE_VERSION: string | undefined;

export async function main(argv: string[]): Promise<number> {
  const log = terminalLog();
  const stop = stopOnSignals(log);
  // Stage and service groups are detached: if we exit at once (a second Ctrl-C), they go with us.
  // A watcher process kills them too if we are killed with -9 (see ProcessGroups).
  let created: ProcessGroups | undefined;
  const groups = async () => (created ??= new (await import('../stages/spawn.js')).ProcessGroups(undefined, true));
  process.once('exit', () => created?.killAll());
  let exitCode = 0;
  const program = new Command('chaos-gate')
    .description('Gate a change on resilience: chaos proxy, mocks, load and chaos stages, thresholds, report.')
    .version(typeof CHAOS_GATE_VERSION === 'string' ? CHAOS_GATE_VERSION : 'dev')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  /** `run` and `explore`: the config loaded (and checked by `check`), the run, its exit code. */
  const runFromCli = async (
    opts: { config: string; reportDir: string; baseline?: string; shard?: string },
    extra: Pick<RunOptions, 'stages' | 'categories' | 'dryRun' | 'out' | 'matrixOnly'>,
    check?: (config: Config) => void,
  ) => {
    const [{ loadConfig }, { run }, { parseShard }] = await Promise.all([import('../config/load.js'), import('../run/run.js'), import('../run/shard.js')]);
    const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
    const config = await loadConfig(resolve(opts.config));
    check?.(config.config);
    const baselineFile = opts.baseline;
    const outcome = await run(
      {
        ...extra,
        config,
        reportDir: opts.reportDir,
        shard,
        signal: stop,
        groups: await groups(),
        baseline: baselineFile ? () => readBaseline(baselineFile) : undefined,
      },
      log,
    );
    exitCode = outcome.exitCode;
  };

  program
    .command('run')
    .description('run the stages, judge the thresholds, write the report')
    .option('-c, --config <file>', 'the config file', 'chaos-gate.yml')
    .addOption(new Option('-s, --stage <name>', 'run only this stage (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--category <name>', 'run only experiments tagged with this category (repeatable)').argParser(collect).default([]))
    .option('-r, --report-dir <dir>', 'where the report goes', 'chaos-gate-report')
    .option('--baseline <metrics.json>', 'compare with an earlier run: deltas and thresholds such as p(99)<baseline*1.2')
    .option('--dry-run', 'validate and print the plan; start nothing')
    .option('--shard <I/N>', "run this shard's share: experiments dealt out, load divided, CHAOS_GATE_SHARD for test runners")
    .addOption(
      new Option('--out <kind=where>', 'send the load metrics while the run goes: json=FILE, prometheus=URL, otlp=URL (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .action(
      async (opts: {
        config: string;
        stage: string[];
        category: string[];
        reportDir: string;
        baseline?: string;
        dryRun?: boolean;
        shard?: string;
        out: string[];
      }) => {
        const { parseOutSpecs } = await import('../out/spec.js');
        const out = parseOutSpecs(opts.out, process.cwd());
        await runFromCli(opts, { stages: opts.stage, categories: opts.category, dryRun: opts.dryRun, out });
      },
    );

  program
    .command('explore')
    .description("run only the chaos stage's resilience matrix: every dependency × fault class, judged and reported")
    .option('-c, --config <file>', 'the config file', 'chaos-gate.yml')
    .option('-r, --report-dir <dir>', 'where the report goes', 'chaos-gate-report')
    .option('--baseline <metrics.json>', "compare with an earlier run's matrix: matrix.regressions")
    .option('--shard <I/N>', "run this shard's share of the cells")
    .action(async (opts: { config: string; reportDir: string; baseline?: string; shard?: string }) => {
      await runFromCli(opts, { stages: ['chaos'], matrixOnly: true }, (config) => {
        if (!config.stages.chaos?.matrix) throw new UsageError(`${opts.config} has no stages.chaos.matrix to explore (see docs/matrix.md)`);
      });
    });

  program
    .command('merge')
    .description("merge shard reports (each folder's metrics.json), judge the thresholds once, write one report")
    .argument('<dirs...>', 'folders of the shard reports')
    .option('-c, --config <file>', 'the config file (for the thresholds)', 'chaos-gate.yml')
    .option('-r, --report-dir <dir>', 'where the merged report goes', 'chaos-gate-report')
    .option('--baseline <metrics.json>', 'compare with an earlier run')
    .action(async (dirs: string[], opts: { config: string; reportDir: string; baseline?: string }) => {
      const [{ loadConfig }, { merge }] = await Promise.all([import('../config/load.js'), import('../run/merge.js')]);
      const baselineFile = opts.baseline;
      const baseline = baselineFile ? () => readBaseline(baselineFile) : undefined;
      const config = await loadConfig(resolve(opts.config));
      exitCode = (await merge({ dirs, config, reportDir: opts.reportDir, baseline }, log)).exitCode;
    });

  program
    .command('validate')
    .description('check a config without starting anything')
    .option('-c, --config <file>', 'the config file', 'chaos-gate.yml')
    .action(async (opts: { config: string }) => {
      const [{ loadConfig }, { checkSafety }, { describePlan, selectStages }] = await Promise.all([
        import('../config/load.js'),
        import('../run/safety.js'),
        import('../run/plan.js'),
      ]);
      const { file, config } = await loadConfig(resolve(opts.config));
      checkSafety(config);
      log.info(describePlan(config, selectStages(config)));
      log.info(`${file} is valid`);
    });

  program
    .command('init')
    .description('write a commented starter chaos-gate.yml from package.json, the Dockerfile and the workflows')
    .option('-c, --config <file>', 'the config file to write', 'chaos-gate.yml')
    .option('-f, --force', 'replace an existing file')
    .action(async (opts: { config: string; force?: boolean }) => {
      const file = resolve(opts.config);
      const { init } = await import('./init.js');
      const { found } = await init(process.cwd(), file, opts.force === true);
      const seen = [
        found.unit && `tests (${found.unit})`,
        found.integration && `integration tests (${found.integration})`,
        found.appPort !== undefined && `an app on port ${found.appPort} (Dockerfile EXPOSE)`,
        ...found.dependencies.map((d) => `${d.name} on port ${d.port} (workflow services)`),
      ].filter(Boolean);
      log.info(`wrote ${opts.config}${seen.length ? ` from ${seen.join(', ')}` : ' (nothing detected: edit the unit stage)'}; it is valid`);
      log.info(`next: npx chaos-gate run${opts.config === 'chaos-gate.yml' ? '' : ` --config ${opts.config}`}`);
    });

  program
    .command('serve')
    .description('keep the proxies, mocks, control API and services up until Ctrl-C, for writing tests')
    .option('-c, --config <file>', 'the config file', 'chaos-gate.yml')
    .option('-r, --report-dir <dir>', 'where service logs go', 'chaos-gate-report')
    .action(async (opts: { config: string; reportDir: string }) => {
      await serve(opts.config, resolve(opts.reportDir, 'logs'), log, stop, await groups());
    });

  program
    .command('record')
    .description("record real exchanges through an HTTP proxy into a mock file (WireMock's recording)")
    .requiredOption('--http-proxy <name>', 'the http_proxies entry to record')
    .requiredOption('-o, --out <file>', 'the mock file to write, e.g. mocks/billing.yml')
    .option('-c, --config <file>', 'the config file', 'chaos-gate.yml')
    .option('--run <command>', 'record while this command runs (it gets CHAOS_GATE_HTTP_PROXY_<NAME>)')
    .option('--duration <time>', 'record for this long (without --run; default until Ctrl-C)')
    .option('--name <name>', "the mock's name (default the proxy's)")
    .option('--listen <host:port>', "the mock's listen address (default 127.0.0.1:0)")
    .option('-r, --report-dir <dir>', 'where service logs go', 'chaos-gate-report')
    .action(
      async (opts: { httpProxy: string; out: string; config: string; run?: string; duration?: string; name?: string; listen?: string; reportDir: string }) => {
        const [{ record }, { parseDuration }] = await Promise.all([import('./record.js'), import('../units/duration.js')]);
        const durationMs = opts.duration === undefined ? undefined : parseDuration(opts.duration);
        if (opts.duration !== undefined && durationMs === undefined)
          throw new UsageError(`--duration: expected a duration like 30s or 5m, got "${opts.duration}"`);
        if (opts.run !== undefined && durationMs !== undefined)
          throw new UsageError('--run and --duration: give one (recording ends with the command, or after the duration)');
        exitCode = await record({ ...opts, durationMs }, log, stop, await groups());
      },
    );

  addFaultCommands(program, log);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    exitCode = exitCodeOf(error, log);
  }
  return exitCode;
}

async function serve(configFile: string, logDir: string, log: Log, signal: AbortSignal, groups: ProcessGroups): Promise<void> {
  const [{ mkdir }, { loadConfig }, { checkSafety }, { MetricsStore }, { Environment }] = await Promise.all([
    import('node:fs/promises'),
    import('../config/load.js'),
    import('../run/safety.js'),
    import('../gate/store.js'),
    import('../run/environment.js'),
  ]);
  const { config } = await loadConfig(resolve(configFile));
  checkSafety(config);
  // Services write their logs here (run() makes its report dir; serve has none otherwise).
  await mkdir(logDir, { recursive: true });
  const store = new MetricsStore();
  const environment = await Environment.start(config, { cwd: process.cwd(), logDir, log, signal, groups, currentMetrics: () => store.scope('serve') });
  try {
    // The token is a secret: a terminal's scrollback and a CI log are not the place for it.
    const shown = (k: string, v: string) =>
      k === 'CHAOS_GATE_TOKEN' ? `${k} is set (control.token in ${configFile}; stages and services get it in their environment)` : `${k}=${v}`;
    log.info(
      Object.entries(environment.variables())
        .map(([k, v]) => shown(k, v))
        .join('\n'),
    );
    log.info('serving; Ctrl-C to stop');
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  } finally {
    await environment.stop();
  }
}

/**
 * First Ctrl-C (or SIGTERM, or SIGHUP: the terminal closed) stops the run cleanly; a second one
 * exits at once. Stage and service groups are detached, so none of these reaches them but through us.
 */
function stopOnSignals(log: Log): AbortSignal {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(130);
      log.warn(`${signal}: stopping (reverting faults, stopping processes, writing the report); again to quit at once`);
      controller.abort(signal);
    });
  }
  return controller.signal;
}

function exitCodeOf(error: unknown, log: Log): number {
  if (error instanceof CommanderError) {
    // Help and version are not errors; commander has already printed the usage problem.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UserFacingError) {
    log.error(error.message);
    return error.exitCode;
  }
  log.error(`internal error (please report it): ${(error as Error)?.stack ?? String(error)}`);
  return 3;
}

async function readBaseline(file: string): Promise<RunReport> {
  const { readRunReport } = await import('../results/read.js');
  try {
    return await readRunReport(file);
  } catch (error) {
    throw new UsageError(`--baseline: ${(error as Error).message}`);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}
