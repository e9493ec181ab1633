/**
 * Reads the JUnit XML that test runners write (pytest, vitest, jest-junit, go-junit-report,
 * Maven surefire) into counts and failures. Cases are counted one by one, through nested
 * suites, rather than trusting each dialect's suite attributes.
 *
 * Files are streamed through a SAX parser, never held whole: counts are exact at any size,
 * while what is kept of each case (names, the first line of its failure) and of all cases
 * together is bounded in bytes, and what was left out is said (`JunitResult.dropped`).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { glob } from 'tinyglobby';
import type { JunitCase, TestCounts, TestFailure } from '../results/types.js';
import { formatBytes } from './output.js';

export interface JunitResult {
  counts: TestCounts;
  /** The cases kept for junit.xml, within `limits.keptBytes`; `counts` covers every case read. */
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
  /** What was read but not kept; `note` says it in a sentence, or is absent when nothing was left out. */
  dropped: { cases: number; cut_texts: number; note?: string };
}

export interface JunitLimits {
  /** Bytes kept of each text: a suite, case or file name, a failure's first line. */
  textBytes: number;
  /** Bytes of a failure's body read to find its first line, when it has no `message`. */
  bodyBytes: number;
  /** Bytes of all kept cases together (each costs its texts plus a fixed overhead). */
  keptBytes: number;
}

export const JUNIT_LIMITS: JunitLimits = { textBytes: 500, bodyBytes: 4096, keptBytes: 8 * 1024 * 1024 };

/** What an object and its fields cost beside their text, roughly, in V8. */
const CASE_OVERHEAD_BYTES = 120;

/** Keeps the report readable when a suite fails hundreds of cases. */
const MAX_FAILURES = 50;

/**
 * Reads every file matching `globs` (relative to `cwd`) written at or after `since` (ms epoch).
 */
export async function readJunit(globs: string[], cwd: string, since = 0, limits: JunitLimits = JUNIT_LIMITS): Promise<JunitResult> {
  const kept = new Budget(limits);
  const files: string[] = [];
  const ignored: JunitResult['ignored'] = [];
  const unreadable: JunitResult['unreadable'] = [];
  const counts: TestCounts = { total: 0, passed: 0, failed: 0, errors: 0, skipped: 0 };
  const failures: TestFailure[] = [];
  for (const file of (await glob(globs, { cwd, absolute: true })).sort()) {
    // A second of slack: file systems round modification times.
    if ((await stat(file)).mtimeMs < since - 1000) {
      ignored.push({ file, why: 'written before this stage started' });
      continue;
    }
    // A file counts wholly or not at all: an unreadable one adds no case and keeps none.
    const mark = kept.mark();
    const fileCounts: TestCounts = { total: 0, passed: 0, failed: 0, errors: 0, skipped: 0 };
    const fileFailures: TestFailure[] = [];
    const read = await readFile(file, limits, (c) => {
      fileCounts.total += 1;
      fileCounts[c.status === 'error' ? 'errors' : c.status] += 1;
      if ((c.status === 'failed' || c.status === 'error') && failures.length + fileFailures.length < MAX_FAILURES) {
        fileFailures.push({ suite: c.suite, name: c.name, message: c.message ?? '', ...(c.file ? { file: c.file } : {}), ...(c.line ? { line: c.line } : {}) });
      }
      kept.offer(c);
    });
    if ('why' in read) {
      kept.rollback(mark);
      unreadable.push({ file, why: read.why });
      continue;
    }
    files.push(file);
    for (const key of Object.keys(counts) as (keyof TestCounts)[]) counts[key] += fileCounts[key];
    failures.push(...fileFailures);
    kept.cutTexts += read.cutTexts;
  }
  return { counts, cases: kept.cases, failures, files, ignored, unreadable, dropped: kept.dropped() };
}

/** The cases kept for junit.xml; past the byte budget a case is counted, not kept. */
class Budget {
  readonly cases: JunitCase[] = [];
  private bytes = 0;
  private left = 0;
  cutTexts = 0;
  constructor(private readonly limits: JunitLimits) {}

  offer(c: JunitCase): void {
    const cost = CASE_OVERHEAD_BYTES + c.suite.length + c.name.length + (c.message?.length ?? 0) + (c.file?.length ?? 0);
    if (this.bytes + cost > this.limits.keptBytes) {
      this.left += 1;
      return;
    }
    this.bytes += cost;
    this.cases.push(c);
  }

  mark(): { cases: number; bytes: number; left: number } {
    return { cases: this.cases.length, bytes: this.bytes, left: this.left };
  }

  rollback(mark: { cases: number; bytes: number; left: number }): void {
    this.cases.length = mark.cases;
    this.bytes = mark.bytes;
    this.left = mark.left;
  }

  dropped(): JunitResult['dropped'] {
    const parts: string[] = [];
    if (this.left > 0) {
      parts.push(
        `${this.left} of ${this.left + this.cases.length} test cases not listed in junit.xml (report.junit_limit keeps ${formatBytes(this.limits.keptBytes)} of cases; the counts are exact)`,
      );
    }
    if (this.cutTexts > 0) parts.push(`${this.cutTexts} names or failure messages cut at ${this.limits.textBytes} characters`);
    return { cases: this.left, cut_texts: this.cutTexts, ...(parts.length > 0 ? { note: parts.join('; ') } : {}) };
  }
}

interface Open {
  /** The case being read, until its closing tag. */
  testcase?: JunitCase & { failure?: Problem; error?: Problem; skipped?: boolean };
  /** The failure or error whose text is being read. */
  problem?: Problem;
}

interface Problem {
  message: string | undefined;
  type: string | undefined;
  /** The start of the body, for a failure without a `message` attribute. */
  body: string;
}

/** Streams one file, handing each case to `onCase`; resolves with what it cut, or with why it could not be read. */
async function readFile(file: string, limits: JunitLimits, onCase: (c: JunitCase) => void): Promise<{ cutTexts: number } | { why: string }> {
  const parser = new SaxesParser({ position: true, xmlns: false });
  // Suite names from the root down: a case without `classname` takes its nearest suite's name.
  const suites: string[] = [];
  const open: Open = {};
  let sawRoot = false;
  let depth = 0;
  let caseDepth = 0;
  let cutTexts = 0;
  const clip = (value: string | undefined): string | undefined => {
    if (value === undefined) return value;
    if (value.length <= limits.textBytes) return own(value);
    cutTexts += 1;
    return `${own(value.slice(0, limits.textBytes))}…`;
  };

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const attributes = tag.attributes as Record<string, string>;
    depth += 1;
    if (depth === 1) {
      if (tag.name !== 'testsuites' && tag.name !== 'testsuite') throw new NotJunit('no <testsuites> or <testsuite> element');
      sawRoot = true;
    }
    if (tag.name === 'testsuite' || tag.name === 'testsuites') {
      suites.push(attributes.name ?? suites.at(-1) ?? '');
      return;
    }
    const testcase = open.testcase;
    if (tag.name === 'testcase' && !testcase) {
      caseDepth = depth;
      const time = Number(attributes.time);
      // `file` and `line` as pytest, jest-junit (addFileAttribute), vitest and others write them.
      const line = Number(attributes.line);
      open.testcase = {
        suite: clip(attributes.classname ?? suites.at(-1) ?? '')!,
        name: clip(attributes.name ?? '(unnamed)')!,
        status: 'passed',
        ...(attributes.time !== undefined && Number.isFinite(time) ? { time } : {}),
        ...(attributes.file ? { file: clip(attributes.file)! } : {}),
        ...(Number.isInteger(line) && line > 0 ? { line } : {}),
      };
      return;
    }
    if (!testcase) return;
    if ((tag.name === 'failure' || tag.name === 'error') && !testcase[tag.name]) {
      // The message is the `message` attribute, else the body's first line, else the type.
      const problem: Problem = { message: attributes.message, type: attributes.type, body: '' };
      testcase[tag.name] = problem;
      if (problem.message === undefined) open.problem = problem;
    } else if (tag.name === 'skipped') testcase.skipped = true;
  });

  const onText = (text: string) => {
    const problem = open.problem;
    if (problem && problem.body.length < limits.bodyBytes) problem.body += text.slice(0, limits.bodyBytes - problem.body.length);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('closetag', (tag: SaxesTagPlain) => {
    depth -= 1;
    if (tag.name === 'testsuite' || tag.name === 'testsuites') suites.pop();
    else if ((tag.name === 'failure' || tag.name === 'error') && open.problem) open.problem = undefined;
    else if (tag.name === 'testcase' && open.testcase && depth + 1 === caseDepth) {
      const { failure, error, skipped, ...c } = open.testcase;
      const problem = failure ?? error;
      c.status = failure ? 'failed' : error ? 'error' : skipped ? 'skipped' : 'passed';
      if (problem) c.message = messageOf(problem, clip);
      onCase(c);
      open.testcase = undefined;
    }
  });

  try {
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1024 * 1024 });
    try {
      for await (const chunk of stream) parser.write(chunk as string);
    } finally {
      stream.destroy();
    }
    parser.close();
  } catch (error) {
    return { why: error instanceof NotJunit ? error.message : parserMessage(error as Error) };
  }
  if (!sawRoot) return { why: 'no <testsuites> or <testsuite> element' };
  return { cutTexts };
}

class NotJunit extends Error {}

/**
 * A copy of `text` that holds nothing else: V8 may keep a substring as a view into the string it
 * was cut from (here the parser's 1 MB chunk), so 200,000 kept names would pin the whole file.
 */
function own(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function messageOf(problem: Problem, clip: (text: string) => string | undefined): string {
  const text = problem.message ?? (problem.body.trim() ? problem.body : (problem.type ?? 'failed'));
  return clip(firstLine(text))!;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** saxes' `1:93: unclosed tag: testsuite` as `line 1, column 93: unclosed tag: testsuite`. */
function parserMessage(error: Error): string {
  const text = error.message.split('\n')[0] ?? '';
  const at = /^(?:.*?:)?(\d+):(\d+): (.*)$/.exec(text);
  // Column 0 is the start of a line (the file ended after a newline): the line says it.
  return at ? `line ${at[1]}${at[2] === '0' ? '' : `, column ${at[2]}`}: ${at[3]}` : text;
}
