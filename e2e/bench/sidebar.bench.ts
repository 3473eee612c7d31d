/**
 * `pnpm bench` (second part): the Zendesk sidebar's first load in headless Chromium on loopback.
 *
 * - JS size: every script the sidebar frame fetches before it is interactive (the app bundle and the ZAF SDK
 *   build served for tests; production fetches the SDK from Zendesk's CDN instead), gzipped here at level 9 and
 *   summed. Goal ≤ 150 KB: printed as a ratio against that budget.
 * - Time to interactive: the sidebar frame's own clock from its navigation (the signed-URL POST) to data-state="ready"
 *   (page, scripts, ZAF handshake, session exchange with the desk look-up, first activity list). Goal ≤ 1 s. Also the
 *   whole agent page (navigation → sidebar ready) against a baseline: the same page whose sidebar frame is answered
 *   with a trivial document, so the ratio isolates what the sidebar costs. Cold cache: a new browser context per run.
 *
 * A script, not a test: it asserts nothing. BENCH_RUNS (default 9).
 */
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, TEST_API_TOKEN, ensureChromium, freePort, startApi, startPostgres } from '@vouchsafe/test-support';
import { startHostStandIns } from '@vouchsafe/demo-desk';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const TICKET = '101';
const BUDGET_BYTES = 150 * 1024;
const GOAL_MS = 1000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] ?? NaN;

async function timeToReady(browser: Browser, url: string, apiOrigin: string, stubSidebar: boolean) {
  const context = await browser.newContext();
  const page: Page = await context.newPage();
  const scripts = new Map<string, number>();
  page.on('response', (response) => {
    const request = response.request();
    if (request.resourceType() !== 'script' || !response.url().startsWith(apiOrigin)) return;
    void response
      .body()
      .then((body) => scripts.set(new URL(response.url()).pathname, gzipSync(body, { level: 9 }).length))
      .catch(() => undefined);
  });
  if (stubSidebar) {
    await page.route(`${apiOrigin}/apps/zendesk/**`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>stub</title><div data-state="ready">ready</div>' }),
    );
  }
  const started = performance.now();
  await page.goto(url);
  await page.frameLocator('iframe[name="zaf-sidebar"]').locator('[data-state="ready"]').waitFor({ timeout: 30_000 });
  const ms = performance.now() - started;
  // The frame's own clock starts at its navigation (the signed-URL POST): this is the sidebar's time to interactive.
  const frame = page.frame({ name: 'zaf-sidebar' });
  const frameMs = frame ? await frame.evaluate(() => performance.now()) : NaN;
  await context.close();
  return { ms, frameMs, scripts };
}

async function main() {
  const executablePath = await ensureChromium();
  const hostsPort = await freePort();
  const pg = await startPostgres();
  const api = await startApi({
    databaseUrl: await pg.createDatabase(),
    env: {
      VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: 'true',
      VOUCHSAFE_ZAF_SDK_URL: '/apps/zendesk/vendor/zaf_sdk.js',
      VOUCHSAFE_FRAME_ANCESTORS_ZENDESK: `http://127.0.0.1:${hostsPort}`,
      VOUCHSAFE_LOG_LEVEL: 'warn',
    },
  });
  const hosts = await startHostStandIns({ apiUrl: api.url, apiToken: TEST_API_TOKEN, port: hostsPort });
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  try {
    await hosts.register('replace');
    const url = hosts.pages.zendesk(TICKET);
    const apiOrigin = new URL(api.url).origin;
    // One warm-up of each, so the API's first-request costs (module loading, pool) are not counted.
    await timeToReady(browser, url, apiOrigin, false);
    await timeToReady(browser, url, apiOrigin, true);
    const sidebar: number[] = [];
    const baseline: number[] = [];
    const sidebarFrame: number[] = [];
    const baselineFrame: number[] = [];
    let scripts = new Map<string, number>();
    for (let i = 0; i < RUNS; i++) {
      const run = await timeToReady(browser, url, apiOrigin, false);
      sidebar.push(run.ms);
      sidebarFrame.push(run.frameMs);
      scripts = run.scripts;
      const stub = await timeToReady(browser, url, apiOrigin, true);
      baseline.push(stub.ms);
      baselineFrame.push(stub.frameMs);
    }
    const total = [...scripts.values()].reduce((a, b) => a + b, 0);
    console.log('\nZendesk sidebar, first load (gzip -9 of every script the frame fetched):');
    for (const [file, bytes] of scripts) console.log(`  ${file.padEnd(48)} ${(bytes / 1024).toFixed(1)} KB`);
    console.log(
      `  total ${(total / 1024).toFixed(1)} KB   budget ${BUDGET_BYTES / 1024} KB   ratio ${(total / BUDGET_BYTES).toFixed(2)} (goal ≤ 1.00)`,
    );
    const f = median(sidebarFrame);
    const s = median(sidebar);
    const b = median(baseline);
    console.log(`\nTime to interactive, ${RUNS} cold runs:`);
    console.log(
      `  sidebar frame (its navigation → ready)   median ${f.toFixed(0)} ms   p90 ${p90(sidebarFrame).toFixed(0)} ms   goal ≤ ${GOAL_MS} ms   ratio ${(f / GOAL_MS).toFixed(2)}`,
    );
    console.log(`  baseline frame (trivial document)        median ${median(baselineFrame).toFixed(0)} ms`);
    console.log(`  whole agent page (navigation → sidebar ready)   median ${s.toFixed(0)} ms   p90 ${p90(sidebar).toFixed(0)} ms`);
    console.log(`  same page with a trivial sidebar (baseline)     median ${b.toFixed(0)} ms   ratio ${(s / b).toFixed(2)}`);
  } finally {
    await browser.close();
    await hosts.close();
    await api.stop();
    await pg.stop();
  }
}

await main();
