/** The proxies' counters in Prometheus text exposition format (GET /metrics). */
import type { Proxy } from './proxy.js';

/** Bytes and connections per proxy and direction, and the active toxics, as `# TYPE`d families. */
export function prometheusText(proxies: readonly Proxy[]): string {
  const families = {
    received: family('chaos_gate_proxy_received_bytes_total', 'counter', 'Bytes read from the sending side, per proxy and direction.'),
    sent: family('chaos_gate_proxy_sent_bytes_total', 'counter', 'Bytes written to the receiving side, per proxy and direction.'),
    accepted: family('chaos_gate_proxy_connections_total', 'counter', 'Connections opened through the proxy.'),
    live: family('chaos_gate_proxy_connections', 'gauge', 'Connections open through the proxy now.'),
    enabled: family('chaos_gate_proxy_enabled', 'gauge', '1 when the proxy listens, 0 when disabled.'),
    toxics: family('chaos_gate_proxy_toxics', 'gauge', 'Active toxics, per proxy and direction.'),
    toxic: family('chaos_gate_proxy_toxic_active', 'gauge', 'One sample per active toxic.'),
  };
  for (const proxy of proxies) {
    const { bytes, accepted } = proxy.stats();
    const toxics = proxy.toxicList();
    for (const direction of ['upstream', 'downstream'] as const) {
      const labels = { proxy: proxy.name, direction };
      families.received.add(labels, bytes[direction].received);
      families.sent.add(labels, bytes[direction].sent);
      families.toxics.add(labels, toxics.filter((t) => t.stream === direction).length);
    }
    families.accepted.add({ proxy: proxy.name }, accepted);
    families.live.add({ proxy: proxy.name }, proxy.connectionCount);
    families.enabled.add({ proxy: proxy.name }, proxy.enabled ? 1 : 0);
    for (const toxic of toxics) {
      const { name, type, stream } = toxic.definition;
      families.toxic.add({ proxy: proxy.name, toxic: name, type, direction: stream }, 1);
    }
  }
  return Object.values(families)
    .map((f) => f.text())
    .join('');
}

function family(name: string, type: 'counter' | 'gauge', help: string) {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  return {
    add(labels: Record<string, string>, value: number) {
      const text = Object.entries(labels)
        .map(([key, v]) => `${key}="${escapeLabel(v)}"`)
        .join(',');
      lines.push(`${name}{${text}} ${value}`);
    },
    text: () => lines.join('\n') + '\n',
  };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
