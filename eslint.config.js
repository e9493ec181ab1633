// Lint rules for src/, test/, bench/, scripts/ and examples/: eslint's and typescript-eslint's recommended sets.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', '**/node_modules/', '.tmp/', 'coverage/', 'chaos-gate-report/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    // `const { name, ...rest } = x` is how a key is dropped from a copy; `name` is meant to go unused.
    rules: { '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }] },
  },
);
