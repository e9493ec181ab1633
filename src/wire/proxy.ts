/**
 * The control API's proxy and toxic shapes on the wire (Toxiproxy's JSON), written once for the
 * server and the typed client. The server checks at compile time that its schemas take exactly
 * these (src/proxy/toxics/index.ts), so the two cannot drift.
 */

/** `upstream`: client → server; `downstream`: server → client (Toxiproxy's names). */
export type Stream = 'upstream' | 'downstream';

/** Each toxic type's attributes as a client sends them (those with a default may be left out). */
export interface ToxicAttributes {
  /** ms added to each chunk, ± `jitter` ms at random. */
  latency: { latency?: number; jitter?: number };
  /** KB/s (1 KB = 1000 bytes). */
  bandwidth: { rate: number };
  /** ms the end of the stream (FIN) is held. */
  slow_close: { delay?: number };
  /** ms until the connection closes; nothing passes meanwhile (0: never). */
  timeout: { timeout?: number };
  /** ms from the first bytes to a TCP RST both ways (0: at once). */
  reset_peer: { timeout?: number };
  /** Pieces of `average_size` ± `size_variation` bytes, `delay` µs apart. */
  slicer: { average_size: number; size_variation?: number; delay?: number };
  /** Bytes that pass before the connection closes. */
  limit_data: { bytes: number };
  noop: Record<string, never>;
  stall: Record<string, never>;
  blackhole: Record<string, never>;
  close_on_data: Record<string, never>;
  /** Chance per bit of a flip, 0..1. */
  corrupt: { probability: number };
  /** ms (+ up to `jitter` ms) after the first byte until the connection closes. */
  limit_time: { time: number; jitter?: number };
}

export type ToxicType = keyof ToxicAttributes;

/** A toxic to add: `name` defaults to `<type>_<stream>`, `stream` to downstream, `toxicity` to 1. */
export type ToxicSpec<T extends ToxicType = ToxicType> = {
  [K in T]: {
    type: K;
    name?: string;
    stream?: Stream;
    /** Share of connections affected, 0..1, rolled per connection. */
    toxicity?: number;
    /** Makes every random roll of the toxic (toxicity, jitter, slicing, corruption) repeatable. */
    seed?: number;
    attributes?: ToxicAttributes[K];
  };
}[T];

/** A toxic as the API answers it, its attributes filled in. */
export interface ToxicJson {
  name: string;
  type: ToxicType;
  stream: Stream;
  toxicity: number;
  seed?: number;
  attributes: Record<string, number>;
}

/** A proxy as the API answers it. */
export interface ProxyJson {
  name: string;
  /** `host:port` it listens on. */
  listen: string;
  upstream: string;
  enabled: boolean;
  /** false: new connections are accepted at TCP level but never served. */
  accepting: boolean;
  /** Connections served at once (pool exhaustion); absent: no limit. */
  max_connections?: number;
  /** Past the limit: `refuse` closes a new connection at once, `hold` keeps it waiting for a slot. */
  on_max?: 'refuse' | 'hold';
  toxics: ToxicJson[];
}

/** A proxy to create (`POST /proxies`) or one entry of `POST /populate`. */
export interface ProxySpec {
  name: string;
  /** Default `127.0.0.1:0` (a free port). */
  listen?: string;
  upstream: string;
  enabled?: boolean;
  accepting?: boolean;
  max_connections?: number;
  on_max?: 'refuse' | 'hold';
  toxics?: ToxicSpec[];
}

/** What can change on a proxy (`POST /proxies/{name}`); a new listen or upstream restarts it. */
export type ProxyChange = Partial<Pick<ProxyJson, 'listen' | 'upstream' | 'enabled' | 'accepting' | 'on_max'>> & { max_connections?: number | null };
