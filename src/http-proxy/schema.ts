/**
 * An HTTP fault proxy as chaos-gate.yml and POST /http declare it, and a fault on it
 * (`faults:` in the config, POST /http/{name}/faults, an experiment's `fault: { http_proxy: … }`).
 *
 *   service ──HTTP──► http proxy ──HTTP(S)──► the real dependency
 *                        │
 *                        └─ faults, matched like mock routes: the newest that takes a request acts on it
 *
 * A fault has at most one answer of its own (`status`, `abort` or `rate_limit`), or changes the
 * upstream's answer (`truncate`, `throttle`, `header`); `delay` goes with either. `when: request`
 * acts before the upstream is called, `when: response` after it answered.
 */
import { z } from 'zod';
import { checkContent, delaySchema, headersSchema, pathText, rateLimitSchema, regexMatcher, requestSchema, seed, statusCode, times } from '../mock/schema.js';
import { hostPort, name, pemFile, probability, size } from '../units/fields.js';

export const ABORTS = ['reset', 'empty', 'hang'] as const;
export type AbortKind = (typeof ABORTS)[number];

/** What a fault matches: method, path (exact, `{param}` template or regex), query, headers. Bodies stream through unread. */
const matchSchema = requestSchema.omit({ json: true }).strict();

const excludeSchema = z
  .array(z.union([pathText, regexMatcher], { error: 'expected a path (/health or /v1/{id}) or { regex: "^/internal/.*" }' }), {
    error: 'expected a list of paths never faulted, e.g. [/health]',
  })
  .min(1, 'expected at least one path');

export const httpFaultSchema = z
  .strictObject({
    /** Which requests it may take; all when omitted. */
    request: matchSchema.optional(),
    /** Paths it never takes (health checks), whatever `request` says. */
    exclude: excludeSchema.optional(),
    /** Act before calling the upstream (`request`, the default) or once it answered (`response`). */
    when: z.enum(['request', 'response'], { error: 'expected request or response' }).default('request'),
    status: statusCode.optional(),
    headers: headersSchema.optional(),
    json: z.unknown().optional(),
    body: z.string({ error: 'expected the body as text' }).optional(),
    delay: delaySchema.optional(),
    abort: z.enum(ABORTS, { error: `expected one of ${ABORTS.join(', ')}` }).optional(),
    /** Cut the upstream's response body after this many bytes, then drop the connection. */
    truncate: z.union([z.literal(0), size], { error: 'expected a size like 100, 4KB or 1MB' }).optional(),
    /** The upstream's response body at most this many bytes per second. */
    throttle: size.optional(),
    /** Change the upstream's response headers. */
    header: z
      .strictObject({
        set: headersSchema.optional(),
        remove: z.array(z.string().min(1), { error: 'expected a list of header names' }).optional(),
      })
      .refine((h) => h.set !== undefined || h.remove !== undefined, 'expected set: {name: value} or remove: [name]')
      .optional(),
    rate_limit: rateLimitSchema.optional(),
    /** The chance that it takes a matching request; default 1. */
    probability: probability.optional(),
    /** It takes this many requests, then no more. */
    times: times.optional(),
    /** Seeds its probability and random delays; default derived from the proxy's seed. */
    seed: seed.optional(),
  })
  .superRefine((fault, ctx) => {
    const answers = (['status', 'abort', 'rate_limit'] as const).filter((key) => fault[key] !== undefined);
    const changes = (['truncate', 'throttle', 'header'] as const).filter((key) => fault[key] !== undefined);
    if (answers.length === 0 && changes.length === 0 && fault.delay === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected an effect: status, delay, abort, truncate, throttle, header or rate_limit' });
    }
    if (answers.length > 1) ctx.addIssue({ code: 'custom', path: [answers[1]], message: `expected one answer: ${answers.join(' and ')} both given` });
    if (answers.length > 0 && changes.length > 0) {
      ctx.addIssue({ code: 'custom', path: [changes[0]], message: `${changes[0]} changes the upstream's answer; ${answers[0]} replaces it` });
    }
    for (const key of ['headers', 'json', 'body'] as const) {
      if (fault[key] !== undefined && fault.status === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} is part of a status answer; add status: 503, …` });
    }
    if (fault.status !== undefined) checkContent(fault as Record<string, unknown>, ctx);
    if (fault.when === 'response' && changes.length > 0) {
      // They act on the response anyway: `when` would say nothing.
      ctx.addIssue({ code: 'custom', path: ['when'], message: `${changes[0]} always acts on the response; leave out when` });
    }
    if (fault.when === 'response' && fault.rate_limit !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['when'], message: 'rate_limit answers before calling the upstream; leave out when' });
    }
  });

const upstreamUrl = z.string({ error: 'expected a URL such as http://127.0.0.1:8080 or https://billing.internal' }).superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected a URL such as http://127.0.0.1:8080, got "${text}"` });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    ctx.addIssue({ code: 'custom', message: `expected an http:// or https:// URL, got ${url.protocol}` });
  else if (url.search !== '' || url.hash !== '' || url.username !== '')
    ctx.addIssue({ code: 'custom', message: 'expected a URL without query, fragment or credentials' });
});

export const httpProxySchema = (baseDir: string) =>
  z.strictObject({
    name,
    /** `host:port`; port 0 picks a free one. */
    listen: hostPort,
    /** The real dependency: `http://host:port` or `https://host`, optionally with a path prefix. */
    upstream: upstreamUrl,
    /** PEM certificates to trust for an https upstream (a self-signed one, a private CA). */
    ca_file: pemFile(baseDir).optional(),
    /** Faults on from the start (the API adds more at run time). */
    faults: z.array(httpFaultSchema, { error: 'expected a list of faults' }).default([]),
    /** Seeds every fault's draws that has no seed of its own. */
    seed: seed.default(1),
  });

export type HttpFault = z.output<typeof httpFaultSchema>;
export type HttpFaultInput = z.input<typeof httpFaultSchema>;
export type HttpProxyDefinition = z.output<ReturnType<typeof httpProxySchema>>;
