/** The mock schema composed by the real config loader: each bad input is reported at its line in chaos-gate.yml. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'mock-config-'));
writeFileSync(join(dir, 'reply.json'), '{"ok":true}');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, join(dir, 'chaos-gate.yml'));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.slice(p.indexOf('chaos-gate.yml')));
    throw error;
  }
  return [];
}

describe('mocks in chaos-gate.yml', () => {
  it('loads the DESIGN.md example, with body files relative to the config file', () => {
    const { config } = parseConfig(
      `version: 1
mocks:
  - name: llm
    listen: 127.0.0.1:18080
    routes:
      - request: { method: POST, path: /v1/chat/completions }
        respond:
          - { status: 503, times: 1 }
          - { status: 200, json: { choices: [ { message: { content: "ok" } } ] } }
      - request: { path: /v1/models }
        respond: { body_file: reply.json, delay: 250ms }
`,
      join(dir, 'chaos-gate.yml'),
    );
    expect(config.mocks[0].routes[0].respond).toEqual([
      { status: 503, times: 1 },
      { status: 200, json: { choices: [{ message: { content: 'ok' } }] } },
    ]);
    expect(config.mocks[0].routes[1].respond[0]).toEqual({ status: 200, body_file: join(dir, 'reply.json'), delay: 250 });
  });

  it('names the line of a route with no response, a bad regex, an unknown fault, a missing body file, an unknown key', () => {
    expect(
      problems(`version: 1
mocks:
  - name: llm
    listen: 127.0.0.1:18080
    routes:
      - request: { method: POST, path: /v1/chat/completions }
      - request: { path: { regex: "^/v1/(items" } }
        respond: { status: 200 }
      - respond:
          - { fault: explode }
          - { body_file: missing.json }
      - respond: { statu: 200 }
`),
    ).toEqual([
      'chaos-gate.yml:6:9: mocks[0].routes[0].respond: missing; expected a response ({ status, json }) or a list of them',
      'chaos-gate.yml:7:35: mocks[0].routes[1].request.path.regex: expected a valid regular expression: Invalid regular expression: /^/v1/(items/: Unterminated group',
      'chaos-gate.yml:10:22: mocks[0].routes[2].respond[0].fault: expected a fault: reset, empty, malformed, random_then_close, hang',
      `chaos-gate.yml:11:26: mocks[0].routes[2].respond[1].body_file: expected an existing file; ${join(dir, 'missing.json')} does not exist`,
      'chaos-gate.yml:12:20: mocks[0].routes[3].respond.statu: unknown key',
    ]);
  });

  it('names the line of a chaos experiment’s bad mock fault', () => {
    const [problem] = problems(`version: 1
mocks:
  - { name: llm, listen: 127.0.0.1:18080, routes: [ { respond: { status: 200 } } ] }
stages:
  chaos:
    experiments:
      - name: provider down
        load: { url: "http://127.0.0.1:8080/", rate: 10/s }
        fault: { mock: llm, fault: melt }
`);
    expect(problem).toMatch(/^chaos-gate\.yml:9:\d+: stages\.chaos\.experiments\[0\]\.fault\.fault: expected a fault: reset, empty/);
  });
});
