// Lint: the recommended JavaScript and TypeScript rules, plus the project's layering (DESIGN.md): the pure
// core (domain/, machines/) imports nothing from Temporal and no Node API, so it runs unchanged in the
// simulator, in the workflow sandbox and in the browser-free tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'net', 'url', 'util'];

export default tseslint.config(
  { ignores: ['node_modules/', '.venv/', 'data/', 'test-output/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['domain/**/*.ts', 'machines/**/*.ts', 'identity/proof*.ts', 'identity/canonical.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@temporalio/*'], message: 'the pure core imports nothing from Temporal' },
            { group: nodeBuiltins, message: 'the pure core uses no Node API' },
          ],
        },
      ],
    },
  },
  {
    // The web front door is a shell beside the CLI, over client/ and the core (DESIGN.md): nothing from cli/.
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../cli', '../cli/*', '../cli/**'], message: 'web/ imports client/ and the core, not cli/' },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'workflow code runs in the sandbox: no Node API' },
            {
              group: ['../activities', '../activities/*'],
              allowTypeImports: true,
              message: 'workflows import activities as types only',
            },
          ],
        },
      ],
    },
  },
);
