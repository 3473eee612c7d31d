import pino, { type Logger } from 'pino';

/**
 * Paths that must never reach a log line, whatever a caller passes in. Request bodies are never
 * logged at all; this list is the second line of defence.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-revoke-token"]',
  'headers.authorization',
  'authorization',
  'token',
  'revokeToken',
  'ciphertext',
  'keyCheck',
  'passphrase',
  'passphraseCheck',
  'key',
  'keys',
  'password',
  'databaseUrl',
  '*.token',
  '*.revokeToken',
  '*.ciphertext',
  '*.passphrase',
  '*.password',
  '*.key',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'vouchsafe-api' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };
