#!/usr/bin/env node
// `npm start` / `pnpm start`: install, build the portal, run the API (embedded Postgres unless
// DATABASE_URL is set). In local mode (no DATABASE_URL) it also builds the three help-desk sidebars and
// serves the demo desk (apps/demo-desk: local Zendesk, ServiceNow and Jira stand-ins with seeded tickets) on
// VOUCHSAFE_DEMO_PORT (default 8090), with IdP stand-ins (Okta, Duo, OIDC, Twilio) and a simulated phone at /phone;
// VOUCHSAFE_DEMO=false turns that off. A real deployment (DATABASE_URL
// set) never starts the demo desk. Ctrl-C or SIGTERM stops everything gracefully (README, "Stopping"; the signal
// handling is in supervise.mjs). VOUCHSAFE_START_SKIP_BUILD=true skips installing and building (the start script's
// own tests use it; it is also handy for a restart after a build).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, install, pnpm } from './bootstrap.mjs';
import { forwardStops } from './supervise.mjs';

const env = process.env;
const demo = !env.DATABASE_URL && env.NODE_ENV !== 'production' && !/^(false|0|no|off)$/i.test(env.VOUCHSAFE_DEMO ?? '');
const apiPort = env.PORT ?? '8080';
const demoPort = env.VOUCHSAFE_DEMO_PORT ?? '8090';
// The demo's Duo stand-in: the API reaches it through the test-support interception module (Duo's SDKs pin Duo's
// CAs), which must be loaded when the API starts. Only in demo mode; a real deployment never loads it.
const demoDuoPort = env.VOUCHSAFE_DEMO_DUO_PORT ?? '8091';
const duoIntercept = pathToFileURL(path.join(ROOT, 'packages/test-support/src/idps/duo/intercept.ts')).href;

if (/^(true|1|yes|on)$/i.test(env.VOUCHSAFE_START_SKIP_BUILD ?? '')) {
  console.log('• VOUCHSAFE_START_SKIP_BUILD is set: using the installed dependencies and the last build');
} else {
  install();
  // The operator consoles (/review, /admin) are served in every mode; their sign-in needs VOUCHSAFE_OPERATOR_* (README).
  const apps = [
    '@vouchsafe/portal',
    '@vouchsafe/review',
    '@vouchsafe/admin',
    ...(demo ? ['@vouchsafe/zendesk', '@vouchsafe/servicenow', '@vouchsafe/jira'] : []),
  ];
  console.log(demo ? '• Building the portal, the consoles and the help-desk sidebars…' : '• Building the portal and the consoles…');
  pnpm(['exec', 'turbo', 'run', 'build', ...apps.map((a) => `--filter=${a}`), '--output-logs=errors-only']);
}

// The demo desk frames the sidebars from http://localhost:<demoPort> and registers tenants whose desk APIs are
// the local stand-ins, which only an API that allows insecure help desks accepts (refused in production).
const demoEnv = demo
  ? {
      NODE_ENV: env.NODE_ENV ?? 'development',
      VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: 'true',
      // One demo user (the local token): policy and IdP changes apply at once (four eyes needs two people).
      VOUCHSAFE_APPROVALS: env.VOUCHSAFE_APPROVALS ?? 'single_admin',
      VOUCHSAFE_ZAF_SDK_URL: env.VOUCHSAFE_ZAF_SDK_URL ?? '/apps/zendesk/vendor/zaf_sdk.js',
      VOUCHSAFE_TEST_DUO_STANDIN: `http://127.0.0.1:${demoDuoPort}`,
      // Each sidebar page may be framed only by its own desk; in the demo both desks are the demo desk's pages.
      VOUCHSAFE_FRAME_ANCESTORS_ZENDESK: [
        env.VOUCHSAFE_FRAME_ANCESTORS_ZENDESK ?? '',
        `http://localhost:${demoPort}`,
        `http://127.0.0.1:${demoPort}`,
      ]
        .join(' ')
        .trim(),
      VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW: [
        env.VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW ?? '',
        `http://localhost:${demoPort}`,
        `http://127.0.0.1:${demoPort}`,
      ]
        .join(' ')
        .trim(),
    }
  : {};

console.log('• Starting Vouchsafe…');
const children = new Set();
const stops = forwardStops(() => children);
let isApiGone = false;
const api = spawn(
  process.execPath,
  ['--import', 'tsx', ...(demo ? ['--import', duoIntercept] : []), path.join(ROOT, 'services/api/src/main.ts')],
  {
    cwd: path.join(ROOT, 'services/api'),
    stdio: 'inherit',
    env: { ...env, ...demoEnv },
  },
);
children.add(api);

let desk;
if (demo) {
  // cwd apps/demo-desk so `--import tsx` resolves the demo desk's own tsx.
  desk = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps/demo-desk/src/main.ts')], {
    cwd: path.join(ROOT, 'apps/demo-desk'),
    stdio: 'inherit',
    env: {
      ...env,
      VOUCHSAFE_DEMO_PORT: demoPort,
      VOUCHSAFE_DEMO_DUO_PORT: demoDuoPort,
      VOUCHSAFE_DEMO_API_URL: `http://localhost:${apiPort}`,
    },
  });
  children.add(desk);
  desk.on('exit', (code, signal) => {
    children.delete(desk);
    if (!stops.isStopping && !isApiGone && code !== 0) {
      console.error(`✖ The demo desk stopped (${code ?? signal}); the API keeps running at http://localhost:${apiPort}/`);
    }
  });
}

api.on('exit', (code, signal) => {
  children.delete(api);
  isApiGone = true;
  const done = () => process.exit(code ?? (signal ? 1 : 0));
  if (desk && desk.exitCode === null && desk.signalCode === null) {
    desk.once('exit', done);
    desk.kill('SIGTERM');
  } else {
    done();
  }
});
