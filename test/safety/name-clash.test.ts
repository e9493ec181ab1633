/** Two proxies (or mocks) whose names map to one CHAOS_GATE_* variable are refused by name and line. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';

describe('names that map to one variable', () => {
  it('proxies a-b and a_b both map to CHAOS_GATE_PROXY_A_B: refused, naming both', () => {
    const yaml = 'version: 1\nproxies:\n  - { name: a-b, upstream: "127.0.0.1:5432" }\n  - { name: a_b, upstream: "127.0.0.1:6379" }\n';
    expect(() => parseConfig(yaml, 'chaos-gate.yml')).toThrow(
      'chaos-gate.yml:4:13: proxies[1].name: "a_b" and "a-b" both map to CHAOS_GATE_PROXY_A_B; rename one',
    );
  });

  it('mocks too, and case counts: Llm and llm clash', () => {
    const yaml = 'version: 1\nmocks:\n  - { name: llm, listen: "127.0.0.1:0", routes: [] }\n  - { name: Llm, listen: "127.0.0.1:0", routes: [] }\n';
    expect(() => parseConfig(yaml, 'chaos-gate.yml')).toThrow('mocks[1].name: "Llm" and "llm" both map to CHAOS_GATE_MOCK_LLM; rename one');
  });

  it('a proxy and a mock of one name do not clash (their variables differ)', () => {
    expect(() =>
      parseConfig(
        'version: 1\nproxies:\n  - { name: db, upstream: "127.0.0.1:5432" }\nmocks:\n  - { name: db, listen: "127.0.0.1:0", routes: [] }\n',
        'chaos-gate.yml',
      ),
    ).not.toThrow();
  });
});
