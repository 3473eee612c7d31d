import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReadStream } from 'node:tty';
import { CliError } from './cli-support';

/**
 * Where `secret create` gets the secret when it is not a file: piped stdin, or a prompt that does not
 * echo on a terminal. Never argv by default: argv is in shell history, `ps` and `npm run`'s echo.
 */

/** Reads a whole stream, refusing (with `tooLarge`'s sentence) as soon as it passes `limit` bytes. */
export async function readLimited(stream: NodeJS.ReadableStream, limit: number, tooLarge: () => string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > limit) throw new CliError(tooLarge());
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** `echo secret | vouchsafe …` and here-strings end with one newline that is not part of the secret. */
export const withoutFinalNewline = (text: string): string => text.replace(/\r?\n$/, '');

/**
 * Asks on the terminal with echo off (raw mode): Enter ends, Backspace deletes, Ctrl-C cancels.
 * The prompt goes to stderr so stdout stays the link alone.
 */
export function promptHidden(question: string, stdin: ReadStream, stderr: NodeJS.WritableStream): Promise<string> {
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new CliError('Cancelled: nothing was sent.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export const PASSPHRASE_ARG_WARNING =
  'warning: --passphrase puts the passphrase in your shell history and the process list. Use --passphrase-file F instead.';

/**
 * The passphrase from `--passphrase-file F` (its first line; "-" is refused because stdin carries the secret) or,
 * with a warning, from `--passphrase P` on the command line. undefined when neither is given.
 */
export async function resolvePassphrase(o: {
  passphrase?: string | undefined;
  passphraseFile?: string | undefined;
  cwd: string;
  warn?: NodeJS.WritableStream | undefined;
}): Promise<string | undefined> {
  if (o.passphrase !== undefined && o.passphraseFile !== undefined) {
    throw new CliError('Give --passphrase-file or --passphrase, not both.');
  }
  if (o.passphraseFile !== undefined) {
    if (o.passphraseFile === '-') throw new CliError('--passphrase-file needs a file: stdin is where the secret comes from.');
    let content: string;
    try {
      content = await readFile(path.resolve(o.cwd, o.passphraseFile), 'utf8');
    } catch {
      throw new CliError(`Cannot read the passphrase file ${o.passphraseFile}.`);
    }
    const firstLine = content.split(/\r?\n/)[0] ?? '';
    if (firstLine === '') throw new CliError(`The passphrase file ${o.passphraseFile} is empty.`);
    return firstLine;
  }
  if (o.passphrase !== undefined) o.warn?.write(`vouchsafe: ${PASSPHRASE_ARG_WARNING}\n`);
  return o.passphrase;
}
