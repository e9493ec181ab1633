/**
 * The control API over the HTTP fault proxies:
 *
 *   GET    /http                          every HTTP proxy, by name
 *   POST   /http                          create one (the chaos-gate.yml shape)
 *   GET    /http/{name}                   its upstream, faults and counts
 *   DELETE /http/{name}                   close it
 *   POST   /http/{name}/reset             run-time faults removed, declared ones rewound, journal cleared
 *   GET    /http/{name}/faults            its faults
 *   POST   /http/{name}/faults            switch a fault on → { id, … }
 *   DELETE /http/{name}/faults[/{id}]     switch one, or all, off
 *   GET    /http/{name}/requests          the journal, filtered, waited for and paged as a mock's
 *   DELETE /http/{name}/requests          clear the journal
 *   POST   /http/{name}/record/start      keep whole exchanges from now on
 *   POST   /http/{name}/record/stop       → the mock they make ({ name, listen, out } optional: `out` writes it as YAML)
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { HttpProxyFault } from '../http-proxy/faults.js';
import { bodiesDir, writeRecordedMock } from '../http-proxy/recording-file.js';
import type { HttpProxyRegistry } from '../http-proxy/registry.js';
import { httpFaultSchema, httpProxySchema } from '../http-proxy/schema.js';
import type { HttpProxy } from '../http-proxy/server.js';
import { hostPort, name } from '../units/fields.js';
import { ApiError } from './errors.js';
import { listenGuard, type ListenGuard } from './listen-guard.js';
import { journalPage, parse } from './mocks.js';
import type { ApiRequest, Router } from './router.js';

const stopSchema = z.strictObject({
  /** The mock's name; default the proxy's. */
  name: name.optional(),
  /** Where the mock will listen; default 127.0.0.1:0. */
  listen: hostPort.optional(),
  /** Write it here as YAML (relative to the API's working directory), binary bodies beside it. */
  out: z.string().min(1, 'expected a file path').optional(),
});

export function httpProxyRoutes(router: Router, proxies: HttpProxyRegistry, checkListen: ListenGuard = listenGuard(false)): void {
  const proxy = (req: ApiRequest) => proxies.require(req.params.name);

  router.add('GET', '/http', () => ({ status: 200, json: Object.fromEntries(proxies.list().map((p) => [p.name, httpProxyView(p)])) }));

  router.add('POST', '/http', async (req) => {
    const definition = parse(httpProxySchema(process.cwd()), req.body);
    checkListen(definition.listen, 'listen');
    return { status: 201, json: httpProxyView(await proxies.create(definition)) };
  });

  router.add('GET', '/http/{name}', (req) => ({ status: 200, json: httpProxyView(proxy(req)) }));

  router.add('DELETE', '/http/{name}', async (req) => {
    await proxies.remove(proxy(req).name);
    return { status: 204 };
  });

  router.add('POST', '/http/{name}/reset', (req) => {
    const target = proxy(req);
    for (const fault of target.runtimeFaults) proxies.removeFault(target.name, fault.id);
    target.reset();
    return { status: 204 };
  });

  router.add('GET', '/http/{name}/faults', (req) => ({ status: 200, json: proxy(req).faults.map(httpFaultView) }));

  router.add('POST', '/http/{name}/faults', (req) => {
    const target = proxy(req);
    const id = proxies.addFault(target.name, parse(httpFaultSchema, req.body));
    return { status: 200, json: httpFaultView(target.fault(id)!) };
  });

  router.add('DELETE', '/http/{name}/faults', (req) => {
    const target = proxy(req);
    for (const fault of [...target.faults]) proxies.removeFault(target.name, fault.id);
    return { status: 204 };
  });

  router.add('DELETE', '/http/{name}/faults/{id}', (req) => {
    if (!proxies.removeFault(proxy(req).name, req.params.id)) throw ApiError.notFound(`fault "${req.params.id}" of http proxy "${req.params.name}"`);
    return { status: 204 };
  });

  router.add('GET', '/http/{name}/requests', (req) => journalPage(proxy(req).journal, req.query));

  router.add('DELETE', '/http/{name}/requests', (req) => {
    proxy(req).journal.clear();
    return { status: 204 };
  });

  router.add('POST', '/http/{name}/record/start', (req) => {
    proxy(req).startRecording();
    return { status: 200, json: { recording: true } };
  });

  router.add('POST', '/http/{name}/record/stop', async (req) => {
    const target = proxy(req);
    const options = parse(stopSchema, req.body);
    const recording = target.stopRecording();
    if (!recording) throw new ApiError(409, `http proxy "${target.name}" is not recording; POST /http/${target.name}/record/start first`);
    const out = options.out === undefined ? undefined : resolve(process.cwd(), options.out);
    const recorded = recording.toMock(options.name ?? target.name, options.listen ?? '127.0.0.1:0', out ? bodiesDir(out) : `${target.name}.bodies`);
    if (out) await writeRecordedMock(recorded, out, `http proxy "${target.name}" (${target.definition.upstream})`);
    return {
      status: 200,
      json: {
        mock: recorded.mock,
        exchanges: recorded.exchanges,
        skipped: recorded.skipped,
        // Without `out`, binary bodies come back as base64 under the names body_file gives.
        files: out ? [...recorded.files.keys()] : Object.fromEntries([...recorded.files].map(([file, bytes]) => [file, bytes.toString('base64')])),
        written: out ?? null,
      },
    };
  });
}

export function httpProxyView(proxy: HttpProxy) {
  return {
    name: proxy.name,
    listen: proxy.address,
    url: proxy.url,
    upstream: proxy.definition.upstream,
    seed: proxy.definition.seed,
    faults: proxy.faults.map(httpFaultView),
    requests: proxy.journal.total,
    recording: proxy.isRecording,
  };
}

export function httpFaultView(fault: HttpProxyFault) {
  return { id: fault.id, kind: fault.kind, ...fault.definition, applied: fault.applied, remaining: fault.remaining ?? null };
}
