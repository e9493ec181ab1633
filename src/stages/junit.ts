/**
 * Reads the JUnit XML that test runners write (pytest, vitest, jest-junit, go-junit-report,
 * Maven surefire) into counts and failures. Cases are counted one by one, through nested
 * suites, rather than trusting each dialect's suite attributes.
 */
import { readFile, stat } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { glob } from 'tinyglobby';
import type { JunitCase, TestCounts, TestFailure } from '../results/types.js';

export interface JunitResult {
  counts: TestCounts;
  cases: JunitCase[];
  /** The first failed or errored cases (at most 50), for the report. */
  failures: TestFailure[];
  files: string[];
  /** Files that matched but predate the stage (left over from an earlier run). */
  ignored: { file: string; why: string }[];
  /**
   * Files written by this stage that could not be read as JUnit: they fail the stage, since the
   * failures they hold would otherwise pass unseen. `why` is the parser's message with its line.
   */
  unreadable: { file: string; why: string }[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
  // Keep text as given; failure messages are shown, not interpreted.
  parseTagValue: false,
  parseAttributeValue: false,
});

/** Keeps the report readable when a suite fails hundreds of cases. */
const MAX_FAILURES = 50;

/**
 * Reads every file matching `globs` (relative to `cwd`) written at or after `since` (ms epoch).
 */
export async function readJunit(globs: string[], cwd: string, since = 0): Promise<JunitResult> {
  const cases: JunitCase[] = [];
  const files: string[] = [];
  const ignored: JunitResult['ignored'] = [];
  const unreadable: JunitResult['unreadable'] = [];
  for (const file of (await glob(globs, { cwd, absolute: true })).sort()) {
    // A second of slack: file systems round modification times.
    if ((await stat(file)).mtimeMs < since - 1000) {
      ignored.push({ file, why: 'written before this stage started' });
      continue;
    }
    let document: Record<string, unknown>;
    try {
      document = parser.parse(await readFile(file, 'utf8'), true) as Record<string, unknown>;
    } catch (error) {
      unreadable.push({ file, why: parserMessage(error as Error) });
      continue;
    }
    const roots = [...list(document.testsuites), ...list(document.testsuite)];
    if (roots.length === 0) {
      unreadable.push({ file, why: 'no <testsuites> or <testsuite> element' });
      continue;
    }
    files.push(file);
    for (const root of roots) walk(root, '', cases);
  }
  const counts: TestCounts = { total: cases.length, passed: 0, failed: 0, errors: 0, skipped: 0 };
  for (const c of cases) counts[c.status === 'error' ? 'errors' : c.status] += 1;
  const failures = cases
    .filter((c) => c.status === 'failed' || c.status === 'error')
    .slice(0, MAX_FAILURES)
    .map((c) => ({ suite: c.suite, name: c.name, message: c.message ?? '', ...(c.file ? { file: c.file } : {}), ...(c.line ? { line: c.line } : {}) }));
  return { counts, cases, failures, files, ignored, unreadable };
}

type Node = Record<string, unknown>;

function walk(suite: Node, parentName: string, cases: JunitCase[]): void {
  const name = String(suite.name ?? parentName);
  for (const testcase of list(suite.testcase)) {
    const failure = list(testcase.failure)[0];
    const error = list(testcase.error)[0];
    const status = failure !== undefined ? 'failed' : error !== undefined ? 'error' : testcase.skipped !== undefined ? 'skipped' : 'passed';
    const problem = failure ?? error;
    const time = Number(testcase.time);
    // `file` and `line` as pytest, jest-junit (addFileAttribute), vitest and others write them.
    const line = Number(testcase.line);
    cases.push({
      suite: String(testcase.classname ?? name),
      name: String(testcase.name ?? '(unnamed)'),
      status,
      ...(Number.isFinite(time) && testcase.time !== undefined ? { time } : {}),
      ...(problem !== undefined ? { message: messageOf(problem) } : {}),
      ...(typeof testcase.file === 'string' && testcase.file ? { file: testcase.file.slice(0, 500) } : {}),
      ...(Number.isInteger(line) && line > 0 ? { line } : {}),
    });
  }
  // Nested suites (surefire, jest-junit with describe blocks, `<testsuites>` wrapping `<testsuites>`).
  for (const child of [...list(suite.testsuite), ...list(suite.testsuites)]) {
    walk(child, name, cases);
  }
}

/** An element that may appear once (an object) or many times (an array). */
function list(value: unknown): Node[] {
  return value === undefined || value === '' ? [] : ((Array.isArray(value) ? value : [value]) as Node[]);
}

function messageOf(problem: unknown): string {
  if (typeof problem === 'string') return firstLine(problem);
  const node = problem as Node;
  return firstLine(String(node.message ?? node['#text'] ?? node.type ?? 'failed'));
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/** fast-xml-parser's `Unclosed tag 'testsuite'.:1:1` as `line 1, column 1: Unclosed tag 'testsuite'.` */
function parserMessage(error: Error): string {
  const text = error.message.split('\n')[0] ?? '';
  const at = /^(.*):(\d+):(\d+)$/.exec(text);
  return at ? `line ${at[2]}, column ${at[3]}: ${at[1]}` : text;
}
