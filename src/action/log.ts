/** The action log: collapsible groups per section, annotations for warnings and errors. */
import * as core from '@actions/core';
import { periodic, type Log } from '../log.js';

export function actionLog(): Log {
  return {
    info: (text) => core.info(text),
    warn: (text) => core.warning(text),
    error: (text) => core.error(text),
    output: (source, line) => core.info(`[${source}] ${line}`),
    section: (title, fn) => core.group(title, fn),
    progress: periodic((text) => core.info(text)),
  };
}
