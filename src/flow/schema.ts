/**
 * `flow:` / `flows:` in a load: what one virtual user does per iteration, in Artillery's shape.
 *
 *   flows: [{ name, weight, data: { file, order }, steps: [
 *             { name, method, url, headers, json | body, capture, expect, think, timeout } … ] }]
 *        | [{ name, weight, module: ./load.mjs }]
 *
 * Every step is compiled here once (templates, JSONPaths, regexes), so a `{{name}}` that no
 * earlier step captures and no data column holds is an error at its key before anything starts.
 */
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import { z } from 'zod';
import { duration } from '../units/fields.js';
import { compileFlow, type FlowConfig } from './compile.js';
import { readDataFile } from './data.js';

const statusCode = z
  .number({ error: 'expected an HTTP status code like 200' })
  .int('expected an HTTP status code like 200')
  .min(100, 'expected an HTTP status code (100-599)')
  .max(599, 'expected an HTTP status code (100-599)');

const variable = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'expected a variable name of letters, digits and _ (like order_id)');

const captureSchema = z.union(
  [
    z.strictObject({ json: z.string({ error: 'expected a JSONPath like $.id' }) }),
    z.strictObject({ header: z.string({ error: 'expected a header name' }) }),
    z.strictObject({
      regex: z.string({ error: 'expected a regular expression' }),
      /** Which group to take; 1 (the first) by default, 0 for the whole match. */
      group: z.number().int().min(0).default(1),
    }),
  ],
  { error: 'expected a capture: { json: $.id }, { header: location } or { regex: "id=(\\d+)" }' },
);

const expectItem = z
  .strictObject({
    /** The check's name in `checks{check:…}` and the summary; by default what it checks. */
    name: z.string().min(1).optional(),
    status: z.union([statusCode, z.array(statusCode).min(1)]).optional(),
    /** A JSONPath into the answer; with `equals` or `exists`. */
    json: z.string({ error: 'expected a JSONPath like $.id' }).optional(),
    /** A header; with `equals`, `contains` or `exists`. */
    header: z.string({ error: 'expected a header name' }).optional(),
    equals: z.unknown().optional(),
    exists: z.boolean({ error: 'expected true or false' }).optional(),
    /** Text the body (or, with `header`, the header) must contain. */
    contains: z.string({ error: 'expected the text the answer must contain' }).optional(),
  })
  .superRefine((item, ctx) => {
    const subjects = (['status', 'json', 'header'] as const).filter((key) => item[key] !== undefined);
    const tests = (['equals', 'exists', 'contains'] as const).filter((key) => item[key] !== undefined);
    if (subjects.length > 1)
      ctx.addIssue({ code: 'custom', path: [subjects[1]], message: `one check per item: \`${subjects[0]}\` or \`${subjects[1]}\`, not both` });
    else if (subjects.length === 0 && item.contains === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected a check: { status: 201 }, { json: $.id, exists: true }, { json: $.state, equals: paid } or { contains: text }',
      });
    } else if (item.status !== undefined && tests.length > 0) ctx.addIssue({ code: 'custom', path: [tests[0]], message: '`status` is checked by itself' });
    else if ((item.json !== undefined || item.header !== undefined) && tests.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [tests[1] ?? subjects[0]], message: 'expected one of `equals`, `exists` or `contains` with it' });
    } else if (item.json !== undefined && item.contains !== undefined)
      ctx.addIssue({ code: 'custom', path: ['contains'], message: 'use `equals` with `json`' });
  });

const thinkSchema = z.union([duration, z.strictObject({ min: duration, max: duration })], {
  error: 'expected a think time like 500ms, or { min: 100ms, max: 1s }',
});

export const stepSchema = z.strictObject({
  /** The `name` tag of its requests (thresholds: `http_req_duration{name:…}`); by default its method and URL. */
  name: z.string().min(1).optional(),
  method: z
    .string({ error: 'expected an HTTP method like GET or POST' })
    .regex(/^[A-Za-z]+$/, 'expected an HTTP method like GET or POST')
    .transform((m) => m.toUpperCase())
    .default('GET'),
  /** May hold `{{variables}}` after its origin (scheme://host:port). */
  url: z.string({ error: 'expected an http:// or https:// URL like http://127.0.0.1:8080/orders/{{order_id}}' }),
  headers: z.record(z.string(), z.union([z.string(), z.number()]).transform(String), { error: 'expected a map of header: value' }).default({}),
  json: z.unknown().optional(),
  body: z.string({ error: 'expected the request body as a string (or use `json:`)' }).optional(),
  capture: z.record(variable, captureSchema, { error: 'expected a map of variable: { json | header | regex }' }).optional(),
  expect: z.union([expectItem, z.array(expectItem).min(1)]).optional(),
  /** A pause after the answer, before the next step: a time, or a range drawn from the flow's seed. */
  think: thinkSchema.optional(),
  /** This step's own timeout (the load's `timeout` otherwise). */
  timeout: duration.optional(),
});

const flowName = z
  .string()
  .min(1)
  .regex(/^[^{},:]+$/, 'expected a name without { } , or :');

const yamlFlow = z.strictObject({
  name: flowName.optional(),
  /** Share of iterations relative to the other flows' weights. */
  weight: z.number({ error: 'expected a weight above 0' }).positive('expected a weight above 0').default(1),
  /** Rows dealt one per iteration, their columns as variables. */
  data: z
    .strictObject({
      /** A CSV with a header row, or a JSON array of objects; relative to the working directory. */
      file: z.string({ error: 'expected the path of a CSV or JSON file' }),
      order: z.enum(['sequential', 'random'], { error: 'expected sequential or random' }).default('sequential'),
    })
    .optional(),
  /** Seeds `{{random_int}}`, random data rows and think ranges, so a run replays (`{{uuid}}` is random in every run). */
  seed: z.number().int().default(1),
  steps: z.array(stepSchema, { error: 'expected a list of steps, each { url, method, … }' }).min(1, 'expected at least one step'),
});

const moduleFlow = z.strictObject({
  name: flowName.optional(),
  weight: z.number({ error: 'expected a weight above 0' }).positive('expected a weight above 0').default(1),
  seed: z.number().int().default(1),
  /** A JavaScript module exporting `async function* flow(ctx)`; relative to the working directory. */
  module: z.string({ error: 'expected the path of a .mjs or .js module' }),
});

/** One flow, checked and with its data rows read; `compileFlow` turns it into what the generator runs. */
export const flowSchema = z
  .union([yamlFlow, moduleFlow], { error: 'expected a flow: { steps: [ … ] } or { module: ./load.mjs }' })
  .transform((raw, ctx): FlowConfig => {
    if ('module' in raw) {
      const path = resolve(raw.module);
      if (!isFile(path)) {
        ctx.addIssue({ code: 'custom', path: ['module'], message: `expected an existing JavaScript module; ${path} is not one` });
        return z.NEVER;
      }
      return { kind: 'module', name: raw.name ?? 'flow', weight: raw.weight, seed: raw.seed, module: path };
    }
    let rows: Record<string, unknown>[] | undefined;
    if (raw.data) {
      try {
        rows = readDataFile(resolve(raw.data.file));
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['data', 'file'], message: (error as Error).message });
        return z.NEVER;
      }
    }
    const flow: FlowConfig = {
      kind: 'steps',
      name: raw.name ?? 'flow',
      weight: raw.weight,
      seed: raw.seed,
      steps: raw.steps,
      ...(rows ? { data: { rows, order: raw.data!.order } } : {}),
    };
    try {
      compileFlow(flow);
    } catch (error) {
      const { path = [], message } = error as { path?: (string | number)[]; message: string };
      ctx.addIssue({ code: 'custom', path, message });
      return z.NEVER;
    }
    return flow;
  });

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
