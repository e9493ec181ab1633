/**
 * `chaos-gate proxy …` and `chaos-gate toxic …`: drive a running `chaos-gate serve` (or any
 * Toxiproxy API) by hand, as toxiproxy-cli does, with its verbs and flags:
 *
 *   chaos-gate proxy list | inspect pg | create -l 127.0.0.1:15432 -u 127.0.0.1:5432 pg | toggle pg | delete pg
 *   chaos-gate toxic add -t latency -a latency=100 [-n name] [-u|-d] [--tox 0.5] pg
 *   chaos-gate toxic update -n latency_downstream -a latency=300 pg | toxic remove -n latency_downstream pg
 *
 * The host is --host, else TOXIPROXY_URL, else CHAOS_GATE_API, else http://127.0.0.1:8474. What the
 * API refuses is printed as one line and exits 1; a usage mistake exits 2.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ChaosGate, ChaosGateApiError, type ProxyInfo, type ToxicInfo, type ToxicSpec } from '../client/index.js';
import { UsageError, UserFacingError } from '../errors.js';
import type { Log } from '../log.js';

/** What the API refused, or could not be reached: exit 1, the message on one line. */
class ApiCallError extends UserFacingError {
  override readonly exitCode = 1;
}

export function addFaultCommands(program: Command, log: Log): void {
  const gateOf = (command: Command) => {
    const { host } = command.optsWithGlobals<{ host?: string }>();
    return new ChaosGate({ url: host ?? process.env.TOXIPROXY_URL ?? process.env.CHAOS_GATE_API ?? 'http://127.0.0.1:8474' });
  };
  const hostOption = ['--host <url>', 'the control API (default TOXIPROXY_URL, CHAOS_GATE_API or http://127.0.0.1:8474)'] as const;

  const proxy = program.command('proxy').description('list, inspect, create, toggle and delete proxies of a running chaos-gate serve (as toxiproxy-cli)');
  proxy.option(...hostOption);
  proxy
    .command('list')
    .alias('ls')
    .description('every proxy: listen, upstream, enabled, toxics')
    .action(async (_opts, command: Command) => {
      const proxies = Object.values(await call(gateOf(command), (gate) => gate.proxies())).sort((a, b) => a.name.localeCompare(b.name));
      if (proxies.length === 0) return log.info('no proxies; create one with `chaos-gate proxy create -l HOST:PORT -u HOST:PORT NAME`');
      log.info(
        table(
          ['Name', 'Listen', 'Upstream', 'Enabled', 'Toxics'],
          proxies.map((p) => [p.name, p.listen, p.upstream, enabledText(p), String(p.toxics.length || 'None')]),
        ),
      );
    });
  proxy
    .command('inspect')
    .alias('i')
    .argument('<proxy>')
    .description('one proxy and its toxics, upstream then downstream')
    .action(async (name: string, _opts, command: Command) => {
      const info = await call(gateOf(command), (gate) => gate.proxy(name).info());
      log.info(`Name: ${info.name}\tListen: ${info.listen}\tUpstream: ${info.upstream}\t${enabledText(info)}`);
      if (info.toxics.length === 0) return log.info('Proxy has no toxics enabled.');
      for (const stream of ['upstream', 'downstream'] as const) {
        const toxics = info.toxics.filter((t) => t.stream === stream);
        if (toxics.length > 0) log.info(`${stream === 'upstream' ? 'Upstream' : 'Downstream'} toxics:\n${toxics.map(describeToxic).join('\n')}`);
      }
    });
  proxy
    .command('create')
    .alias('new')
    .argument('<proxy>')
    .requiredOption('-l, --listen <address>', 'where the proxy listens (host:port)')
    .requiredOption('-u, --upstream <address>', 'where it forwards (host:port)')
    .description('a new proxy')
    .action(async (name: string, opts: { listen: string; upstream: string }, command: Command) => {
      await call(gateOf(command), (gate) => gate.createProxy({ name, listen: opts.listen, upstream: opts.upstream }));
      log.info(`Created new proxy ${name}`);
    });
  proxy
    .command('toggle')
    .alias('tog')
    .argument('<proxy>')
    .description('enable a disabled proxy, or disable (take down) an enabled one')
    .action(async (name: string, _opts, command: Command) => {
      const updated = await call(gateOf(command), async (gate) => {
        const client = gate.proxy(name);
        return client.update({ enabled: !(await client.info()).enabled });
      });
      log.info(`Proxy ${name} is now ${enabledText(updated).toLowerCase()}`);
    });
  proxy
    .command('delete')
    .alias('d')
    .argument('<proxy>')
    .description('delete a proxy')
    .action(async (name: string, _opts, command: Command) => {
      await call(gateOf(command), (gate) => gate.deleteProxy(name));
      log.info(`Deleted proxy ${name}`);
    });

  const toxic = program.command('toxic').alias('t').description('add, update and remove toxics on a proxy of a running chaos-gate serve (as toxiproxy-cli)');
  toxic.option(...hostOption);
  const attribute = ['-a, --attribute <key=value>', 'a toxic attribute (repeatable), e.g. latency=100'] as const;
  const toxicity = ['--tox, --toxicity <share>', 'share of connections affected, 0 to 1'] as const;
  toxic
    .command('add')
    .alias('a')
    .argument('<proxy>')
    .requiredOption('-t, --type <type>', 'the toxic type: latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, noop, …')
    .option('-n, --toxicName <name>', 'its name (default <type>_<stream>)')
    .option(...attribute, collectAttribute, {})
    .option(toxicity[0], toxicity[1], share)
    .option('-u, --upstream', 'on client → server bytes')
    .option('-d, --downstream', 'on server → client bytes (the default)')
    .description('add a toxic')
    .action(async (name: string, opts: ToxicOptions & { type: string; upstream?: boolean; downstream?: boolean }, command: Command) => {
      if (opts.upstream && opts.downstream) throw new UsageError('toxic add: give --upstream or --downstream, not both');
      const spec = {
        type: opts.type,
        stream: opts.upstream ? 'upstream' : 'downstream',
        attributes: opts.attribute,
        ...(opts.toxicName ? { name: opts.toxicName } : {}),
        ...(opts.toxicity === undefined ? {} : { toxicity: opts.toxicity }),
      } as ToxicSpec;
      const added = await call(gateOf(command), (gate) => gate.proxy(name).addToxic(spec));
      log.info(`Added ${added.stream} ${added.type} toxic '${added.name}' on proxy '${name}'`);
    });
  toxic
    .command('update')
    .alias('u')
    .argument('<proxy>')
    .requiredOption('-n, --toxicName <name>', 'the toxic to change')
    .option(...attribute, collectAttribute, {})
    .option(toxicity[0], toxicity[1], share)
    .description('change a toxic’s attributes or toxicity')
    .action(async (name: string, opts: ToxicOptions, command: Command) => {
      const change = { attributes: opts.attribute, ...(opts.toxicity === undefined ? {} : { toxicity: opts.toxicity }) };
      const updated = await call(gateOf(command), (gate) => gate.proxy(name).updateToxic(opts.toxicName!, change));
      log.info(`Updated toxic '${updated.name}' on proxy '${name}'`);
    });
  toxic
    .command('remove')
    .aliases(['r', 'delete'])
    .argument('<proxy>')
    .requiredOption('-n, --toxicName <name>', 'the toxic to remove')
    .description('remove a toxic')
    .action(async (name: string, opts: ToxicOptions, command: Command) => {
      await call(gateOf(command), (gate) => gate.proxy(name).removeToxic(opts.toxicName!));
      log.info(`Removed toxic '${opts.toxicName}' on proxy '${name}'`);
    });
}

interface ToxicOptions {
  toxicName?: string;
  attribute: Record<string, number>;
  toxicity?: number;
}

/** Runs one API call; what the API refuses (or a host that does not answer) becomes one line and exit 1. */
async function call<T>(gate: ChaosGate, work: (gate: ChaosGate) => Promise<T>): Promise<T> {
  try {
    return await work(gate);
  } catch (error) {
    if (error instanceof ChaosGateApiError) throw new ApiCallError(error.message);
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    if (error instanceof TypeError && cause) throw new ApiCallError(`could not reach ${gate.url} (${cause}): is \`chaos-gate serve\` running there?`);
    throw error;
  }
}

function collectAttribute(text: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([A-Za-z_][\w]*)=(.+)$/.exec(text);
  const value = Number(match?.[2]);
  if (!match || !Number.isFinite(value)) throw new InvalidArgumentError(`expected key=number, like latency=100, got "${text}"`);
  return { ...previous, [match[1]]: value };
}

function share(text: string): number {
  const value = Number(text);
  if (!(value >= 0 && value <= 1)) throw new InvalidArgumentError(`expected a number from 0 to 1, got "${text}"`);
  return value;
}

function enabledText(proxy: ProxyInfo): string {
  return proxy.enabled ? 'Enabled' : 'Disabled';
}

function describeToxic(toxic: ToxicInfo): string {
  const attributes = Object.entries(toxic.attributes).map(([k, v]) => `${k}=${v}`);
  return `  ${toxic.name}: type=${toxic.type} stream=${toxic.stream} toxicity=${toxic.toxicity} attributes=[ ${attributes.join(' ')} ]`;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '='.repeat(w))), ...rows.map(line)].join('\n');
}
