// @ts-check
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.tools/**',
      '.state/**',
      'data/**',
      'model_store/**',
      'bench/.venv/**',
      'dist/**',
      'dist.*/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O, no activity or
    // algorithm code. The modules workflows import (contracts, ids, the governance rule, the failure
    // contract) are held to the same rule, so nothing impure can reach the sandbox through them.
    files: [
      'src/pipelines/workflows.ts',
      'src/pipelines/**/workflows.ts',
      'src/pipelines/**/contract.ts',
      'src/pipelines/**/config.ts',
      'src/pipelines/contract-defaults.ts',
      'src/pipelines/loan/governance.ts',
      'src/failures.ts',
      'src/temporal/workflow-context.ts',
      'src/temporal/activity-options.ts',
      'src/temporal/workflow-interceptors.ts',
      'src/temporal/search-attributes.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((name) => [name, `node:${name}`]),
            '@duckdb/node-api',
            '@resvg/resvg-js',
            'fastify',
            'typebox/value',
            '@temporalio/client',
            '@temporalio/worker',
            '@temporalio/activity',
          ],
          patterns: [
            { group: ['node:*'], message: 'Workflows are deterministic: no Node built-ins.' },
            {
              group: ['**/activities.js', '**/pipeline.js', '**/registry.js', '**/precheck.js', '**/validate.js'],
              allowTypeImports: true,
              message: 'Workflow code imports activity and pipeline-definition types only.',
            },
            {
              group: ['**/ml/**', '**/storage/**', '**/charts/**', '**/api/**', '**/medallion/**', '**/sample-data/**'],
              allowTypeImports: true,
              message: 'Workflow code imports types only from the algorithm, storage, chart and API code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Fastify's plugin-per-route style: plugins are async functions that register routes synchronously.
    files: ['src/api/routes/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
