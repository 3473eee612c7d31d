// One lint setup for the whole workspace. Besides the usual TypeScript rules it makes the
// dependency direction from STYLE.md mechanical:
//   apps -> ui, host, contracts, crypto;  services/api -> contracts, crypto, migrations;
//   apps/demo-desk -> contracts, test-support (its stand-ins speak the vendors' wire formats), nothing else internal;
//   nothing imports apps, except e2e importing the demo desk; migrations import only kysely;
//   contracts import nothing internal; only tests and the demo desk import test-support;
//   only services/api/src/config.ts reads process.env;
//   packages/ui imports no host SDK and never fetches; services import no browser package (ui, host).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TEST_FILES = [
  '**/*.test.ts',
  '**/*.test.tsx',
  '**/*.spec.ts',
  '**/*.spec.tsx',
  '**/test/**',
  '**/bench/**',
  'e2e/**',
  'packages/test-support/**',
];

const restrict = (patterns) => ['error', { patterns }];
// Request bodies are parsed only by services/api/src/http/input.ts (jsonBody / formBody), which applies the
// well-formed text rule; a route with its own parser could skip it.
const BODY_PARSERS = [
  {
    selector: "MemberExpression[object.name='express'][property.name=/^(json|urlencoded|text|raw)$/]",
    message: 'Parse request bodies with jsonBody / formBody from http/input.ts (they apply the well-formed text rule).',
  },
  {
    selector: "ImportDeclaration[source.value='body-parser']",
    message: 'Parse request bodies with jsonBody / formBody from http/input.ts.',
  },
];
const apps = {
  group: ['@vouchsafe/portal', '@vouchsafe/zendesk', '@vouchsafe/servicenow', '@vouchsafe/jira', '**/apps/**'],
  message: 'Nothing imports from apps/.',
};
// The demo desk (apps/demo-desk) is a local stand-in for the three desks, for trying Vouchsafe and for e2e: only e2e
// may import it, so nothing the product ships can come to depend on it.
const demoDesk = {
  group: ['@vouchsafe/demo-desk', '@vouchsafe/demo-desk/*'],
  message: 'Only e2e imports the demo desk (a local stand-in, never part of the product).',
};
// What the demo desk may import of the workspace: the wire types and the vendor stand-ins. It reaches the API and
// hosts the built sidebars over HTTP only, and plays each desk's protocol itself (never through packages/host).
const demoDeskOnly = {
  group: ['@vouchsafe/*', '!@vouchsafe/contracts', '!@vouchsafe/test-support', '!@vouchsafe/test-support/*', '../../*'],
  message: 'The demo desk imports only @vouchsafe/contracts and @vouchsafe/test-support; it talks to the API and the sidebars over HTTP.',
};
const services = { group: ['@vouchsafe/api', '**/services/**'], message: 'Only apps talk to services, over HTTP.' };
const testSupport = { group: ['@vouchsafe/test-support', '@vouchsafe/test-support/*'], message: 'Only tests may import test-support.' };
const hostSdks = {
  group: ['@vouchsafe/host', '@vouchsafe/host/*', '@forge/bridge', 'zendesk_app_framework_sdk'],
  message: 'packages/ui never talks to a host SDK: it gets a SidebarHost.',
};
const browserPackages = {
  group: ['@vouchsafe/ui', '@vouchsafe/ui/*', '@vouchsafe/host', '@vouchsafe/host/*'],
  message: 'The API does not import browser packages (ui, host).',
};
// The UI never fetches: it gets a SidebarApi (contracts) from packages/host.
const NO_NETWORK_IN_UI = [
  { selector: "CallExpression[callee.name='fetch']", message: 'packages/ui never fetches: use the SidebarApi it is given.' },
  {
    selector: 'NewExpression[callee.name=/^(EventSource|XMLHttpRequest|WebSocket)$/]',
    message: 'packages/ui never opens connections: use the SidebarApi it is given.',
  },
  {
    selector: "MemberExpression[property.name='fetch'][object.name=/^(window|globalThis|self)$/]",
    message: 'packages/ui never fetches: use the SidebarApi it is given.',
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.turbo/**', '**/playwright-report/**', '**/test-results/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'No TypeScript enums: use a union of string literals.' }],
    },
  },
  // Type-checked rules, where they catch bugs the compiler does not: a promise nobody awaits (a note never sent, an
  // error nobody sees), a promise passed where a callback's result is ignored, `await` on a non-promise, a switch that
  // misses a member of a union, a throw of something that is not an Error.
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
    },
  },
  // Tests read JSON answers loosely on purpose; the assertions are the types.
  { files: TEST_FILES, rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    files: ['packages/**', 'services/**', 'migrations/**', 'apps/**'],
    ignores: ['apps/demo-desk/**'],
    rules: { 'no-restricted-imports': restrict([apps, demoDesk]) },
  },
  { files: ['e2e/**'], rules: { 'no-restricted-imports': restrict([apps]) } },
  { files: ['packages/**'], ignores: TEST_FILES, rules: { 'no-restricted-imports': restrict([apps, demoDesk, services, testSupport]) } },
  {
    files: ['packages/ui/**'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': restrict([apps, demoDesk, services, testSupport, hostSdks]),
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'No TypeScript enums: use a union of string literals.' },
        ...NO_NETWORK_IN_UI,
      ],
    },
  },
  {
    files: ['packages/contracts/**'],
    rules: { 'no-restricted-imports': restrict([{ group: ['@vouchsafe/*', '../../*'], message: 'contracts imports nothing internal.' }]) },
  },
  {
    files: ['packages/crypto/src/**'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': restrict([
        apps,
        demoDesk,
        services,
        testSupport,
        { group: ['node:*'], message: 'crypto runs in browsers too: WebCrypto only.' },
      ]),
    },
  },
  // The detector runs in the sidebar bundle as well as the API: no Node built-ins, nothing else of the workspace.
  {
    files: ['packages/detector/src/**'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': restrict([
        { group: ['node:*', '@vouchsafe/*', '../../*'], message: 'The detector runs in browsers too and imports nothing internal.' },
      ]),
    },
  },
  {
    files: ['migrations/**'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['@vouchsafe/*', '../*', '!./*'], message: 'Migrations are frozen in time: import only kysely.' },
      ]),
    },
  },
  {
    files: ['apps/**'],
    ignores: [...TEST_FILES, 'apps/demo-desk/**'],
    rules: { 'no-restricted-imports': restrict([apps, demoDesk, testSupport]) },
  },
  { files: ['apps/demo-desk/**'], rules: { 'no-restricted-imports': restrict([demoDeskOnly]) } },
  {
    files: ['services/**'],
    ignores: TEST_FILES,
    rules: { 'no-restricted-imports': restrict([apps, demoDesk, testSupport, browserPackages]) },
  },
  {
    files: ['services/api/src/**'],
    ignores: ['services/api/src/config.ts', ...TEST_FILES],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through config.ts only.' },
        { selector: 'TSEnumDeclaration', message: 'No TypeScript enums: use a union of string literals.' },
        ...BODY_PARSERS,
      ],
    },
  },
  // http/input.ts is the one place request bodies are parsed (and checked for well-formed text).
  {
    files: ['services/api/src/http/input.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through config.ts only.' },
        { selector: 'TSEnumDeclaration', message: 'No TypeScript enums: use a union of string literals.' },
      ],
    },
  },
);
