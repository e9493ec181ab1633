/**
 * `--out json=FILE`: k6's JSON output, one line per metric declaration and per sample:
 *
 *   {"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}
 *   {"type":"Point","data":{"time":"2026-12-03T10:00:00.123Z","value":12.3,"tags":{"name":"checkout",…}},"metric":"http_req_duration"}
 *
 * Lines are batched into writes; when the disk falls behind by MAX_PENDING_BYTES, points are
 * dropped and counted rather than held in memory.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OutPoint, Output, OutSummary, PointType } from './point.js';

const BATCH_BYTES = 64 * 1024;
export const MAX_PENDING_BYTES = 16 * 1024 * 1024;

const CONTAINS: Record<PointType, string> = { counter: 'default', gauge: 'default', rate: 'default', trend: 'time' };

export class JsonOutput implements Output {
  private readonly stream;
  private batch = '';
  private readonly declared = new Set<string>();
  private points = 0;
  private dropped = 0;
  private readonly errors: string[] = [];

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.stream = createWriteStream(file);
    this.stream.on('error', (error) => this.errors.length === 0 && this.errors.push(`cannot write ${file}: ${error.message}`));
  }

  add(point: OutPoint): void {
    if (this.errors.length > 0 || this.stream.writableLength > MAX_PENDING_BYTES) {
      this.dropped += 1;
      return;
    }
    if (!this.declared.has(point.metric)) {
      this.declared.add(point.metric);
      this.batch += `${JSON.stringify({ type: 'Metric', data: { name: point.metric, type: point.type, contains: CONTAINS[point.type], thresholds: [], submetrics: null }, metric: point.metric })}\n`;
    }
    this.batch += `{"type":"Point","data":{"time":"${new Date(point.time).toISOString()}","value":${point.value},"tags":${JSON.stringify(point.tags)}},"metric":${JSON.stringify(point.metric)}}\n`;
    this.points += 1;
    if (this.batch.length >= BATCH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.batch === '') return;
    this.stream.write(this.batch);
    this.batch = '';
  }

  async close(): Promise<OutSummary> {
    this.flush();
    await new Promise<void>((resolve) => this.stream.end(resolve));
    return { output: `json ${this.file}`, points: this.points, dropped: this.dropped, errors: this.errors };
  }
}
