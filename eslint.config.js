// One linter for the whole tree. Besides the usual TypeScript rules it enforces the process
// boundaries of DESIGN.md: the forbidden import arrows fail the lint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'url', 'stream', 'buffer', 'util', 'events', 'worker_threads', 'zlib', 'tls', 'dns'];
const forbid = (groups, message) => groups.map((group) => ({ group: [group], message }));

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.tsbuild/**', 'coverage/**', '**/.probe*.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to nothing but window.twofold.' }],
          patterns: [
            ...forbid(['**/main/**', '**/main'], 'renderer → main is a forbidden arrow: use window.twofold.'),
            ...forbid(['**/server/**', '**/preload/**'], 'The renderer may import only common/.'),
            ...forbid(nodeBuiltins, 'The renderer runs sandboxed: no Node modules.'),
          ],
        },
      ],
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'common/ is pure TypeScript: no Electron.' }],
          patterns: [
            ...forbid(nodeBuiltins, 'common/ is pure TypeScript: no Node modules.'),
            ...forbid(['**/main/**', '**/renderer/**', '**/server/**', '**/preload/**', 'react', 'react-dom'], 'common/ imports nothing from the other folders.'),
          ],
        },
      ],
    },
  },
  {
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'main/core → electron is a forbidden arrow: add a port and an adapter in main/electron.' }],
          patterns: [
            ...forbid(['**/main/electron/**', '**/electron/*', '../electron', '../electron/**'], 'main/core must not import main/electron.'),
            ...forbid(['**/renderer/**', '**/server/**', '**/preload/**', 'electron-store'], 'main/core imports only common/ and its own files.'),
          ],
        },
      ],
    },
  },
  {
    files: ['main/electron/**/*.ts', 'main/cli/**/*.ts', 'main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: forbid(['**/renderer/**', '**/server/**', '**/preload/**'], 'main imports only main/ and common/.'),
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/ipc.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "ImportSpecifier[imported.name='ipcMain']", message: 'Only main/electron/ipc.ts may use ipcMain: register calls through the contract.' },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: forbid(['**/main/**', '**/renderer/**', '**/server/**'], 'The preload imports only common/ and electron.') },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: forbid(['**/main/**', '**/renderer/**', '**/preload/**'], 'server → main is a forbidden arrow: share through common/.') },
      ],
    },
  },
);
