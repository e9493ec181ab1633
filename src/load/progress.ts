/**
 * The live line while load runs: a terminal redraws it in place, the action log prints it
 * every ~10 s (see src/log.ts).
 */
import { formatDuration } from '../units/duration.js';

/** A snapshot of a run, about once a second. */
export interface Progress {
  elapsedMs: number;
  durationMs: number;
  /** Requests ended so far (answered or failed). */
  requests: number;
  failures: number;
  /** Open model: requests not sent because max_in_flight were in flight. */
  dropped: number;
  inFlight: number;
  /** Requests ended per second over the last interval. */
  rps: number;
  /** 99th percentile latency over the last interval, ms; 0 when nothing ended. */
  p99Ms: number;
}

/** `load 12s/30s  2,400 req  200/s  errors 3 (0.1%)  p99 12.3ms  18s left`. */
export function formatProgress(p: Progress): string {
  const share = p.requests > 0 ? ` (${formatShare(p.failures / p.requests)})` : '';
  const parts = [
    `load ${wholeSeconds(Math.min(p.elapsedMs, p.durationMs))}/${formatDuration(p.durationMs)}`,
    `${p.requests.toLocaleString('en-US')} req`,
    `${Math.round(p.rps).toLocaleString('en-US')}/s`,
    `errors ${p.failures.toLocaleString('en-US')}${share}`,
    `p99 ${formatLatency(p.p99Ms)}`,
  ];
  if (p.dropped > 0) parts.push(`dropped ${p.dropped.toLocaleString('en-US')}`);
  const left = p.durationMs - p.elapsedMs;
  parts.push(left > 0 ? `${wholeSeconds(Math.ceil(left / 1000) * 1000)} left` : `finishing ${p.inFlight} in flight`);
  return parts.join('  ');
}

function wholeSeconds(ms: number): string {
  return ms < 1000 ? '0s' : formatDuration(Math.floor(ms / 1000) * 1000);
}

function formatShare(share: number): string {
  if (share === 0) return '0%';
  if (share < 0.001) return '<0.1%';
  return `${+(share * 100).toFixed(1)}%`;
}

function formatLatency(ms: number): string {
  if (ms >= 1000) return `${+(ms / 1000).toFixed(2)}s`;
  if (ms >= 10) return `${Math.round(ms)}ms`;
  return `${+ms.toFixed(2)}ms`;
}
