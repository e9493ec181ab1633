/** One value of one metric at one moment, with its tags: what every output is given. */
export type PointType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface OutPoint {
  metric: string;
  type: PointType;
  /** A rate's value is 1 (hit) or 0. */
  value: number;
  tags: Readonly<Record<string, string>>;
  /** ms since the epoch. */
  time: number;
}

export interface OutSummary {
  /** `json .tmp/samples.jsonl`. */
  output: string;
  points: number;
  /** Points not delivered, and why (a receiver down, a buffer full). */
  dropped: number;
  errors: string[];
}

export interface Output {
  add(point: OutPoint): void;
  close(): Promise<OutSummary>;
}
