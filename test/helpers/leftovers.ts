/**
 * "A process left behind is a bug": finds what a test run left running.
 *
 *   vitest (main) ──► workers ──► node dist/cli.js ──► stage group (setsid) ──► grandchild
 *        │                                    every one inherits CHAOS_GATE_TEST_RUN=<id>
 *        └─ teardown: any live process with that id, any listening socket one of them holds
 *
 * A marker in the environment, not the parent chain, because a leaked stage group is
 * reparented to init once the CLI that started it dies. Listening sockets are read from
 * /proc/net/tcp{,6} and attributed to processes through /proc/<pid>/fd, so the machine's own
 * services and other test runs on the same machine are never blamed.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export const MARKER = 'CHAOS_GATE_TEST_RUN';

export interface Leftover {
  pid: number;
  command: string;
  /** `127.0.0.1:8474` for every socket it listens on. */
  listening: string[];
}

/** Every live (not zombie) process whose environment carries `MARKER=<runId>`, but `exclude`d pids. */
export function markedProcesses(runId: string, exclude: ReadonlySet<number> = new Set()): number[] {
  const needle = Buffer.from(`${MARKER}=${runId}\0`);
  const found: number[] = [];
  for (const pid of pids()) {
    if (exclude.has(pid) || pid === process.pid || !alive(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`).includes(needle)) found.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Listening TCP sockets (IPv4 and IPv6) by inode: `host:port`. */
export function listeningSockets(): Map<string, string> {
  const sockets = new Map<string, string>();
  for (const [file, v6] of [
    ['/proc/net/tcp', false],
    ['/proc/net/tcp6', true],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (fields[3] !== '0A') continue; // TCP_LISTEN
      const [hexHost, hexPort] = fields[1].split(':');
      sockets.set(fields[9], `${v6 ? `[${ipv6(hexHost)}]` : ipv4(hexHost)}:${parseInt(hexPort, 16)}`);
    }
  }
  return sockets;
}

/** The listening sockets a process holds open. */
export function listeningOf(pid: number, sockets = listeningSockets()): string[] {
  const held: string[] = [];
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return held;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      const address = match && sockets.get(match[1]);
      if (address) held.push(address);
    } catch {
      // Closed meanwhile.
    }
  }
  return held;
}

/** What is left: marked processes (with their listeners), plus listeners held by `holders` (vitest's own workers). */
export function findLeftovers(runId: string, options: { exclude?: ReadonlySet<number>; holders?: number[] } = {}): Leftover[] {
  const sockets = listeningSockets();
  const leftovers: Leftover[] = markedProcesses(runId, options.exclude).map((pid) => ({ pid, command: commandOf(pid), listening: listeningOf(pid, sockets) }));
  for (const pid of options.holders ?? []) {
    const listening = listeningOf(pid, sockets);
    if (listening.length > 0) leftovers.push({ pid, command: commandOf(pid), listening });
  }
  return leftovers;
}

/** Polls until nothing is left or `timeoutMs` passes (kills are asynchronous); returns what is left. */
export async function waitForNoLeftovers(
  runId: string,
  options: { exclude?: ReadonlySet<number>; holders?: () => number[]; timeoutMs?: number } = {},
): Promise<Leftover[]> {
  const deadline = performance.now() + (options.timeoutMs ?? 3000);
  for (;;) {
    const left = findLeftovers(runId, { exclude: options.exclude, holders: options.holders?.() });
    if (left.length === 0 || performance.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function describeLeftovers(left: Leftover[]): string {
  return left.map((l) => `  pid ${l.pid}: ${l.command}${l.listening.length ? ` (listening on ${l.listening.join(', ')})` : ''}`).join('\n');
}

/** Direct children of `pid`. */
export function childrenOf(pid: number): number[] {
  return pids().filter((child) => parentOf(child) === pid);
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 200) || '?';
  } catch {
    return '?';
  }
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** /proc/net/tcp writes an IPv4 address as one little-endian hex word. */
function ipv4(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
}

/** …and an IPv6 address as four little-endian hex words. */
function ipv6(hex: string): string {
  const bytes: string[] = [];
  for (let word = 0; word < 4; word++) {
    const w = hex.slice(word * 8, word * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(w.slice(b * 2, b * 2 + 2));
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(parseInt(bytes[i] + bytes[i + 1], 16).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}
