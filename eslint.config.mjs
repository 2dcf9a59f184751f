// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** The local host, the emulator and the dev tools are development tools: the product never imports them. */
const devTools = {
    group: ['**/dev/**', '../dev', '../../dev'],
    message: 'src/ and functions/ never import dev/ (development tools live outside the product).',
};

export default tseslint.config(
    { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.dev/**', '.azurite/**'] },
    { linterOptions: { reportUnusedDisableDirectives: 'error' } },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: {
                projectService: { allowDefaultProject: ['*.mjs', '*.js'] },
                tsconfigRootDir: import.meta.dirname,
            },
        },
        rules: {
            eqeqeq: ['error', 'always', { null: 'ignore' }],
            '@typescript-eslint/return-await': ['error', 'in-try-catch'],
            '@typescript-eslint/no-floating-promises': 'error',
            '@typescript-eslint/no-misused-promises': 'error',
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
            '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
        },
    },
    {
        files: ['**/*.mjs', '**/*.js'],
        extends: [tseslint.configs.disableTypeChecked],
    },
    // Dependency rules (docs/architecture.md): imports point one way.
    {
        files: ['src/**/*.ts', 'functions/**/*.ts'],
        rules: { 'no-restricted-imports': ['error', { patterns: [devTools] }] },
    },
    {
        files: ['src/domain/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        devTools,
                        {
                            group: ['@azure/*', '@microsoft/*', '@opentelemetry/*', 'jose'],
                            message: 'Domain code imports no SDK: talk to the outside through a port in src/domain.',
                        },
                        {
                            group: ['**/http/**', '**/adapters/**', '**/functions/**', '**/composition/**'],
                            message:
                                'Domain code knows nothing of the HTTP edge, the adapters or the Functions wiring.',
                        },
                    ],
                },
            ],
        },
    },
    {
        files: ['dev/graph-emulator/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        {
                            group: ['**/src/**', '**/functions/**'],
                            message:
                                "The Graph emulator stands in for Microsoft's service: it imports nothing of the gateway.",
                        },
                    ],
                },
            ],
        },
    },
    {
        files: ['dev/bulk-cancel/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        {
                            group: ['**/src/**', '**/functions/**'],
                            message:
                                'The bulk-cancel CLI is a client of the public jobs API: it talks HTTP to the gateway and imports nothing of it.',
                        },
                    ],
                },
            ],
        },
    },
    {
        files: ['bench/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        {
                            group: ['**/src/adapters/**'],
                            message:
                                'Benchmarks drive the product through its public surfaces: take its parts from the composition root (src/composition), not from src/adapters.',
                        },
                    ],
                },
            ],
        },
    },
    {
        // Jest's asymmetric matchers (`expect.any`, `expect.arrayContaining`) are typed `any` by design.
        files: ['test/**/*.ts'],
        rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
    },
    {
        // Plain CommonJS: jest config and the local host's JavaScript fixture apps.
        files: ['**/*.js'],
        languageOptions: {
            sourceType: 'commonjs',
            globals: {
                module: 'writable',
                exports: 'writable',
                require: 'readonly',
                __dirname: 'readonly',
                process: 'readonly',
                console: 'readonly',
                Buffer: 'readonly',
                setTimeout: 'readonly',
                clearTimeout: 'readonly',
            },
        },
        rules: { '@typescript-eslint/no-require-imports': 'off' },
    },
    prettier,
);
