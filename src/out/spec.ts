/**
 * `--out json=FILE`, `--out prometheus=URL`, `--out otlp=URL`: where metrics go while a run goes,
 * as k6's `--out`. Parsed before anything starts, so a typo is a usage error, not a lost stream.
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';

export type OutSpec = { kind: 'json'; file: string } | { kind: 'prometheus'; url: string } | { kind: 'otlp'; url: string };

const FORMS = 'json=FILE, prometheus=URL (remote write) or otlp=URL (OTLP/HTTP, JSON)';

/** Throws a UsageError naming the value and the forms accepted. */
export function parseOutSpecs(values: readonly string[], cwd: string): OutSpec[] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    const [kind, target] = eq < 0 ? [value, ''] : [value.slice(0, eq), value.slice(eq + 1)];
    if (kind === 'json') {
      if (target === '') throw new UsageError(`--out ${value}: expected json=FILE, like json=.tmp/samples.jsonl`);
      return { kind, file: resolve(cwd, target) };
    }
    if (kind === 'prometheus' || kind === 'otlp') {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        throw new UsageError(
          `--out ${value}: expected ${kind}=URL, like ${kind === 'otlp' ? 'otlp=http://127.0.0.1:4318' : 'prometheus=http://127.0.0.1:9090/api/v1/write'}`,
        );
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--out ${value}: expected an http:// or https:// URL`);
      return { kind, url: url.href };
    }
    throw new UsageError(`--out ${value}: expected ${FORMS}`);
  });
}

/** `json .tmp/samples.jsonl`, `prometheus http://…`: how the log names an output. */
export function describeSpec(spec: OutSpec): string {
  return spec.kind === 'json' ? `json ${spec.file}` : `${spec.kind} ${spec.url}`;
}
