import os from 'node:os';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { start } from './server';
import { createStopCounter } from './stop-signals';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vouchsafe: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  try {
    const running = await start(config, logger);
    // Not "Open …/": that page is the recipients' landing page. In local mode the demo desk prints where to start.
    process.stdout.write(`\nVouchsafe API listening on ${running.url}/ (recipients' links open here)\n`);
    if (running.apiTokenHint) process.stdout.write(`(${running.apiTokenHint})\n`);
    process.stdout.write('\n');
    // Drain on the first stop request, report the second, stop at once on the third (stop-signals.ts).
    const nextStep = createStopCounter();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        const step = nextStep();
        if (step === 'drain') {
          running.shutdown(signal).then(
            () => process.exit(0),
            (err: unknown) => {
              logger.error({ err }, 'shutdown failed');
              process.exit(1);
            },
          );
        } else if (step === 'repeat') {
          logger.warn(
            { signal },
            'already shutting down: requests in flight are finishing; send the signal once more (Ctrl-C) to stop at once',
          );
        } else if (step === 'force') {
          logger.error({ signal }, 'forced stop: exiting now without waiting for requests in flight');
          running.abandon();
          process.exit(128 + os.constants.signals[signal]);
        } else {
          logger.debug({ signal }, 'the same stop request again (terminal and start script); counted once');
        }
      });
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vouchsafe: ${err.message}\n`);
      process.exit(78);
    }
    logger.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
}

void main();
