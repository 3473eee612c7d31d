import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { start } from './server';

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
    process.stdout.write(`\nVouchsafe is running. Open ${running.url}/\n`);
    if (running.apiTokenHint) process.stdout.write(`(${running.apiTokenHint})\n`);
    process.stdout.write('\n');
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        running.shutdown(signal).then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
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
