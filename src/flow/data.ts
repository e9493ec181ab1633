/**
 * A flow's `data:` file, read once when the config loads and dealt one row per iteration: a CSV
 * with a header row (its columns become variables) or a JSON array of objects. Bounded in bytes,
 * so a mistaken path to a dump does not fill the generator's memory.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export const MAX_DATA_BYTES = 64 * 1024 * 1024;

export type DataRow = Record<string, unknown>;

/** The rows of a data file; throws an Error naming the file and what is wrong (with the line, for a CSV). */
export function readDataFile(path: string): DataRow[] {
  let bytes: number;
  try {
    bytes = statSync(path).size;
  } catch {
    throw new Error(`expected a CSV or JSON data file; ${path} does not exist`);
  }
  if (bytes > MAX_DATA_BYTES) throw new Error(`${path} is ${Math.ceil(bytes / 2 ** 20)} MiB; a data file holds at most ${MAX_DATA_BYTES >> 20} MiB`);
  const text = readFileSync(path, 'utf8');
  const rows = path.toLowerCase().endsWith('.json') ? jsonRows(path, text) : csvRows(path, text);
  if (rows.length === 0) throw new Error(`${path} has no rows`);
  return rows;
}

function jsonRows(path: string, text: string): DataRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(value)) throw new Error(`${path}: expected a JSON array of objects, like [{"sku": "A-1"}]`);
  value.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new Error(`${path}: item [${i}] is not an object`);
  });
  return value as DataRow[];
}

function csvRows(path: string, text: string): DataRow[] {
  try {
    return parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as DataRow[];
  } catch (error) {
    const { lines, message } = error as { lines?: number; message: string };
    throw new Error(`${path}${lines === undefined ? '' : `:${lines}`}: ${message}`, { cause: error });
  }
}
