/**
 * What a proxy and a toxic look like as JSON (Toxiproxy's shapes) and in chaos-gate.yml. The
 * control API and the config loader validate with these same schemas, so a bad toxic gets the
 * same message from HTTP and from YAML, naming the offending field.
 */
import { z } from 'zod';
import { splitHostPort } from '../address.js';
import { hostPort, name, probability } from '../units/fields.js';
import { InvalidProxyInputError } from './errors.js';
import { TOXIC_TYPES, toxicKind, type ToxicType } from './toxics/index.js';

export const STREAMS = ['upstream', 'downstream'] as const;
/** `upstream`: client → server; `downstream`: server → client (Toxiproxy's names). */
export type Stream = (typeof STREAMS)[number];

const stream = z.enum(STREAMS, { error: 'expected upstream (client → server) or downstream (server → client)' });
const toxicType = z.enum(TOXIC_TYPES, { error: `expected a toxic type: ${TOXIC_TYPES.join(', ')}` });
const attributesObject = z.record(z.string(), z.unknown(), { error: 'expected an object of attributes, e.g. {"latency": 100}' });
const seed = z.number({ error: 'expected a whole number' }).int('expected a whole number');

// Zod runs this even when hostPort found the text unparsable (and said why): then there is no port to judge.
const upstream = hostPort.refine((text) => {
  try {
    return splitHostPort(text).port > 0;
  } catch {
    return true;
  }
}, 'expected a port from 1 to 65535');

/**
 * `toxicity_mode` (ours): what toxicity is rolled for. `connection` (Toxiproxy's meaning): once per
 * connection, which then gets the toxic for its whole life or not at all. `data`: once per chunk
 * of data read from the sender, so on keep-alive HTTP about once per request or answer; only for
 * toxics that act on a chunk at once, never holding bytes back, so spared chunks keep their order.
 */
export const TOXICITY_MODES = ['connection', 'data'] as const;
export const PER_CHUNK_TYPES: readonly ToxicType[] = ['reset_peer', 'close_on_data', 'blackhole', 'corrupt'];

/**
 * A toxic as Toxiproxy's clients send it. `name` defaults to `<type>_<stream>`, `stream` to
 * downstream, `toxicity` (the share of connections affected, rolled per connection) to 1.
 * `seed` (ours) makes every roll of the toxic — toxicity, jitter, slicing, corruption — replay.
 */
export const toxicSchema = z
  .strictObject({
    // The Go client sends "" for an unnamed toxic.
    name: z.string({ error: 'expected a toxic name' }).optional(),
    type: toxicType,
    stream: stream.default('downstream'),
    toxicity: probability.default(1),
    toxicity_mode: z.enum(TOXICITY_MODES, { error: 'expected connection (toxicity rolled once per connection) or data (once per chunk of data)' }).optional(),
    seed: seed.optional(),
    attributes: attributesObject.nullish(),
  })
  .transform((toxic, ctx) => {
    const attributes = parseAttributes(toxic.type, toxic.attributes ?? {}, ctx);
    if (!attributes) return z.NEVER;
    const perChunk = toxic.toxicity_mode === 'data';
    if (perChunk && !PER_CHUNK_TYPES.includes(toxic.type)) {
      const message = `toxicity_mode: data rolls each chunk, which only ${PER_CHUNK_TYPES.join(', ')} can take (${toxic.type} holds bytes back)`;
      ctx.addIssue({ code: 'custom', path: ['toxicity_mode'], message });
      return z.NEVER;
    }
    return {
      name: toxic.name || `${toxic.type}_${toxic.stream}`,
      type: toxic.type,
      stream: toxic.stream,
      toxicity: toxic.toxicity,
      ...(perChunk ? { toxicity_mode: 'data' as const } : {}),
      ...(toxic.seed === undefined ? {} : { seed: toxic.seed }),
      attributes,
    };
  });

export type ToxicDefinition = z.output<typeof toxicSchema>;
/** A toxic as a client may write it (defaults not yet applied). */
export type ToxicInput = z.input<typeof toxicSchema>;

/** POST /proxies/{proxy}/toxics/{toxic}: new attributes (merged over the old) and toxicity. */
export const toxicUpdateSchema = z.strictObject({
  // Clients often send the whole toxic back; these must then match the toxic being updated.
  name: z.string().optional(),
  type: toxicType.optional(),
  stream: stream.optional(),
  toxicity: probability.optional(),
  seed: seed.optional(),
  attributes: attributesObject.nullish(),
});

export type ToxicUpdate = z.output<typeof toxicUpdateSchema>;

const maxConnections = z
  .number({ error: 'expected a whole number of connections ≥ 1' })
  .int('expected a whole number of connections ≥ 1')
  .min(1, 'expected a whole number of connections ≥ 1');
const onMax = z.enum(['refuse', 'hold'], { error: 'expected refuse (close a connection past the limit at once) or hold (it waits for a slot)' });

/**
 * A proxy, in chaos-gate.yml, POST /proxies and /populate. `listen` defaults to a free loopback
 * port; `accepting: false` (TcpGate's stop_accepting) parks new clients unserved.
 */
export const proxySchema = z
  .strictObject({
    name,
    listen: hostPort.default('127.0.0.1:0'),
    upstream,
    enabled: z.boolean({ error: 'expected true or false' }).default(true),
    accepting: z.boolean({ error: 'expected true or false' }).default(true),
    /** Connections served at once; past it a new one is refused (closed at once) or held until one ends. */
    max_connections: maxConnections.optional(),
    on_max: onMax.default('refuse'),
    // The Go client sends `"toxics": null` for a new proxy.
    toxics: z
      .array(toxicSchema, { error: 'expected a list of toxics' })
      .nullish()
      .transform((toxics) => toxics ?? undefined),
  })
  .superRefine((proxy, ctx) => {
    const seen = new Set<string>();
    proxy.toxics?.forEach((toxic, i) => {
      if (seen.has(toxic.name)) ctx.addIssue({ code: 'custom', path: ['toxics', i, 'name'], message: `duplicate toxic name "${toxic.name}"` });
      seen.add(toxic.name);
    });
  });

export type ProxyDefinition = z.output<typeof proxySchema>;
export type ProxyInput = z.input<typeof proxySchema>;

/** POST /populate: a list of proxies with distinct names. */
export const populateSchema = z.array(proxySchema, { error: 'expected a list of proxies' }).superRefine((proxies, ctx) => {
  const seen = new Set<string>();
  proxies.forEach((proxy, i) => {
    if (seen.has(proxy.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate proxy name "${proxy.name}"` });
    seen.add(proxy.name);
  });
});

/** POST /proxies/{proxy}: the fields to change. */
export const proxyUpdateSchema = z.strictObject({
  name: z.string().optional(),
  listen: hostPort.optional(),
  upstream: upstream.optional(),
  enabled: z.boolean({ error: 'expected true or false' }).optional(),
  accepting: z.boolean({ error: 'expected true or false' }).optional(),
  /** null lifts the limit. */
  max_connections: maxConnections.nullable().optional(),
  on_max: onMax.optional(),
  // The Go client saves a proxy by sending back all of it; toxics change through their own endpoints.
  toxics: z.unknown().optional(),
});

export type ProxyUpdate = z.output<typeof proxyUpdateSchema>;

/** Parses `value` or throws an InvalidProxyInputError naming each offending field: `attributes.latency: expected …`. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidProxyInputError(undefined, describeIssues(result.error.issues));
}

/** `path: message` for each issue, joined with `; `. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => at([...issue.path, key], 'unknown field'))
        : [at(issue.path, issue.message.replace(/^Invalid input: /, ''))],
    )
    .join('; ');
}

function at(path: readonly PropertyKey[], message: string): string {
  const where = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  return where ? `${where}: ${message}` : message;
}

/** Checks attributes against the type's schema; issues point at `attributes.<field>`. */
function parseAttributes(type: ToxicType, raw: Record<string, unknown>, ctx: z.RefinementCtx): Record<string, number> | undefined {
  const schema = toxicKind(type).attributes;
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = attributeNames(schema);
      const expected = known.length > 0 ? `expected one of: ${known.join(', ')}` : 'it takes no attributes';
      for (const key of issue.keys) {
        ctx.addIssue({ code: 'custom', path: ['attributes', ...issue.path, key], message: `unknown attribute of ${type}; ${expected}` });
      }
    } else {
      ctx.addIssue({ code: 'custom', path: ['attributes', ...issue.path], message: issue.message });
    }
  }
  return undefined;
}

function attributeNames(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}
