/**
 * `${…}` references in chaos-gate.yml, so a service or a load target can point at a proxy or a
 * mock without repeating its address: `${proxies.NAME.listen}`, `${proxies.NAME.upstream}`,
 * `${mocks.NAME.url}`, `${mocks.NAME.listen}`, `${http_proxies.NAME.url|listen|upstream}`, `${control.url}`, `${env.NAME}`. Other `${…}`
 * (shell variables in `run:`) are left alone.
 */

export interface Problem {
  path: PropertyKey[];
  message: string;
}

const REFERENCE = /\$\{(proxies|mocks|http_proxies|control|env)\.([^}]*)\}/g;

/** Replaces references in every string of the raw config, in place; returns the ones that do not resolve. */
export function interpolate(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const resolveReference = (kind: string, rest: string): string | undefined => {
    if (kind === 'env') return process.env[rest];
    if (kind === 'control') {
      const listen = (raw.control as { listen?: unknown } | undefined)?.listen ?? '127.0.0.1:8474';
      return rest === 'url' ? `http://${String(listen)}` : rest === 'listen' ? String(listen) : undefined;
    }
    const dot = rest.lastIndexOf('.');
    const [name, field] = [rest.slice(0, dot), rest.slice(dot + 1)];
    const list = Array.isArray(raw[kind]) ? (raw[kind] as Record<string, unknown>[]) : [];
    const entry = list.find((item) => item?.name === name);
    if (!entry) return undefined;
    if ((kind === 'mocks' || kind === 'http_proxies') && field === 'url' && typeof entry.listen === 'string') return `http://${entry.listen}`;
    const value = entry[field];
    return ((kind === 'proxies' || kind === 'http_proxies') && (field === 'listen' || field === 'upstream')) || (kind === 'mocks' && field === 'listen')
      ? typeof value === 'string'
        ? value
        : undefined
      : undefined;
  };
  const visit = (value: unknown, path: PropertyKey[]): unknown => {
    if (typeof value === 'string') {
      return value.replace(REFERENCE, (whole, kind: string, rest: string) => {
        const resolved = resolveReference(kind, rest);
        if (resolved === undefined) {
          problems.push({
            path,
            message:
              kind === 'env'
                ? `${whole}: the environment variable ${rest} is not set`
                : `${whole} does not resolve; expected \${proxies.NAME.listen|upstream}, \${mocks.NAME.url|listen}, \${http_proxies.NAME.url|listen|upstream}, \${control.url} or \${env.NAME} naming something declared`,
          });
          return whole;
        }
        return resolved;
      });
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => (value[i] = visit(item, [...path, i])));
    } else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = visit(record[key], [...path, key]);
    }
    return value;
  };
  visit(raw, []);
  return problems;
}
