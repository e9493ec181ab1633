/**
 * Clock skew for a service that opts in (`services[].faketime: true`): it starts under libfaketime
 * (Debian's and Ubuntu's `faketime` package) reading its offset from a control file, so an
 * experiment can move the service's clock (`fault: { service: api, time: { offset: +5m } }`) and
 * move it back at the revert. Timers keep the real monotonic clock (FAKETIME_DONT_FAKE_MONOTONIC),
 * so only the wall clock the service reads is skewed.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../errors.js';

const LIBRARIES = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
];

/** The environment a faketime'd service starts with; its control file is written with no offset. */
export async function faketimeEnv(
  service: string,
  dir: string,
  inherited: Record<string, string | undefined>,
): Promise<{ env: Record<string, string>; file: string }> {
  const library = LIBRARIES.find((path) => existsSync(path));
  if (!library) {
    throw new EnvironmentError(
      `service "${service}" has faketime: true, but libfaketime is not installed; on Ubuntu or Debian runners: sudo apt-get install -y faketime`,
    );
  }
  const file = join(dir, `faketime-${service}.txt`);
  await writeClock(file, 0);
  const preload = [inherited.LD_PRELOAD, library].filter(Boolean).join(':');
  return {
    file,
    env: { LD_PRELOAD: preload, FAKETIME_TIMESTAMP_FILE: file, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' },
  };
}

/** Sets the service's clock `offsetMs` from the real one (whole seconds, as libfaketime reads them), running at `rate` × real time. */
export function writeClock(file: string, offsetMs: number, rate = 1): Promise<void> {
  const seconds = Math.round(offsetMs / 1000);
  return writeFile(file, `${seconds >= 0 ? '+' : ''}${seconds}${rate === 1 ? '' : ` x${rate}`}\n`);
}
