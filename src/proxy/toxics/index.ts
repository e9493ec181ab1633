/**
 * Every toxic type by its API name: Toxiproxy's (latency … limit_data) and TcpGate's network
 * conditions (stall … limit_time). Each module has an attribute schema and makes stages.
 */
import type { z } from 'zod';
import type { ToxicAttributes as WireAttributes, ToxicType as WireToxicType } from '../../wire/proxy.js';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';
import * as bandwidth from './bandwidth.js';
import * as blackhole from './blackhole.js';
import * as closeOnData from './close-on-data.js';
import * as corrupt from './corrupt.js';
import * as latency from './latency.js';
import * as limitData from './limit-data.js';
import * as limitTime from './limit-time.js';
import * as noop from './noop.js';
import * as resetPeer from './reset-peer.js';
import * as slicer from './slicer.js';
import * as slowClose from './slow-close.js';
import * as stall from './stall.js';
import * as timeout from './timeout.js';

export interface ToxicKind {
  /** Validates and fills in the attributes (with Toxiproxy's field names and defaults). */
  attributes: z.ZodType<Record<string, number>>;
  /** One stage for one direction of one connection. */
  create(attributes: Record<string, number>, ctx: ToxicStageContext): ToxicStage;
}

const kinds = {
  latency,
  bandwidth,
  slow_close: slowClose,
  timeout,
  reset_peer: resetPeer,
  slicer,
  limit_data: limitData,
  noop,
  stall,
  blackhole,
  close_on_data: closeOnData,
  corrupt,
  limit_time: limitTime,
};

export type ToxicType = keyof typeof kinds;

/**
 * The client's wire types (src/wire/proxy.ts) are hand-written, as the client bundle carries no
 * zod; this fails the build when they and the schemas disagree on a type or an attribute.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Wired = { [T in ToxicType]: Same<z.input<(typeof kinds)[T]['attributes']>, WireAttributes[T]> } & Same<ToxicType, WireToxicType>;
export const WIRE_MATCHES_SCHEMAS: Wired extends Record<ToxicType, true> ? true : never = true;

export const TOXIC_TYPES = Object.keys(kinds) as [ToxicType, ...ToxicType[]];

/** The kind of a toxic type; the types are checked by the schema before this is called. */
export function toxicKind(type: ToxicType): ToxicKind {
  return kinds[type] as unknown as ToxicKind;
}
