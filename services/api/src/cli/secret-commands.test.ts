import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_INPUT_MESSAGES } from '@vouchsafe/contracts';
import { inUserWords } from './cli-support';
import { commandHelp, overview } from './help';
import { createSecretCommand, parseTtl, type CreateOptions } from './secret-commands';

/**
 * `secret create` refuses bad input before anything is read or sent. The API URL points at a port
 * nobody listens on: a refusal that came after an upload attempt would read "Cannot reach …" instead.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'vs-secret-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function options(o: Partial<CreateOptions> & { input?: string | Buffer }): { opts: CreateOptions; warnings: () => string } {
  let warned = '';
  const warn = new Writable({
    write(chunk, _enc, cb) {
      warned += String(chunk);
      cb();
    },
  });
  const { input, ...rest } = o;
  return {
    opts: {
      api: 'http://127.0.0.1:9',
      token: 't',
      cwd: dir,
      stdin: { stream: Readable.from(input === undefined ? [] : [input]) },
      warn,
      ...rest,
    },
    warnings: () => warned,
  };
}
const out = { info: () => undefined, result: () => undefined };
const create = (o: Partial<CreateOptions> & { input?: string | Buffer }) => createSecretCommand(options(o).opts, out);

describe('secret create refuses before sending', () => {
  it('a whitespace-only secret, piped or with --text', async () => {
    await expect(create({ input: '  \n\t\n' })).rejects.toThrow(SECRET_INPUT_MESSAGES.textBlank);
    await expect(create({ input: '' })).rejects.toThrow(SECRET_INPUT_MESSAGES.textMissing);
    await expect(create({ text: '   ' })).rejects.toThrow(SECRET_INPUT_MESSAGES.textBlank);
  });

  it('an empty file and a file over the limit, naming both sizes, from a path or from stdin', async () => {
    writeFileSync(path.join(dir, 'empty.txt'), '');
    writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(3000));
    await expect(create({ file: 'empty.txt' })).rejects.toThrow(SECRET_INPUT_MESSAGES.fileEmpty);
    await expect(create({ file: 'big.bin', maxFileBytes: 2048 })).rejects.toThrow('This file is 2.9 KiB; the limit is 2.0 KiB.');
    await expect(create({ file: '-', input: Buffer.alloc(0) })).rejects.toThrow(SECRET_INPUT_MESSAGES.fileEmpty);
    await expect(create({ file: '-', input: Buffer.alloc(3000), maxFileBytes: 2048 })).rejects.toThrow(
      'The input is larger than the file limit of 2.0 KiB.',
    );
  });

  it('options in their own words: --ttl, --views, --passphrase, --label', async () => {
    expect(() => parseTtl('31d')).toThrow('--ttl must be at most 30 days');
    expect(() => parseTtl('4m')).toThrow('--ttl must be at least 5 minutes');
    expect(parseTtl('30d')).toBe(30 * 86_400);
    await expect(create({ input: 's', views: '11' })).rejects.toThrow('--views must be a whole number from 1 to 10.');
    await expect(create({ input: 's', passphrase: 'a' })).rejects.toThrow('The passphrase must be at least 8 characters');
    await expect(create({ input: 's', label: 'x'.repeat(121) })).rejects.toThrow('--label must be 1 to 120 characters.');
  });

  it('takes the passphrase from --passphrase-file (first line), warns about --passphrase on argv, refuses both', async () => {
    writeFileSync(path.join(dir, 'pass.txt'), 'correct horse battery\nsecond line ignored\n');
    writeFileSync(path.join(dir, 'short.txt'), 'short\n');
    writeFileSync(path.join(dir, 'blank.txt'), '\n');
    const fromFile = options({ input: 's', passphraseFile: 'pass.txt' });
    await expect(createSecretCommand(fromFile.opts, out)).rejects.toThrow(/Cannot reach the Vouchsafe API/);
    expect(fromFile.warnings()).toBe('');
    await expect(create({ input: 's', passphraseFile: 'short.txt' })).rejects.toThrow('The passphrase must be at least 8 characters');
    await expect(create({ input: 's', passphraseFile: 'blank.txt' })).rejects.toThrow('The passphrase file blank.txt is empty.');
    await expect(create({ input: 's', passphraseFile: 'missing.txt' })).rejects.toThrow('Cannot read the passphrase file missing.txt.');
    await expect(create({ input: 's', passphraseFile: '-' })).rejects.toThrow('--passphrase-file needs a file');
    await expect(create({ input: 's', passphraseFile: 'pass.txt', passphrase: 'correct horse' })).rejects.toThrow(
      'Give --passphrase-file or --passphrase, not both.',
    );
    const onArgv = options({ input: 's', passphrase: 'correct horse battery' });
    await expect(createSecretCommand(onArgv.opts, out)).rejects.toThrow(/Cannot reach the Vouchsafe API/);
    expect(onArgv.warnings()).toContain('--passphrase puts the passphrase in your shell history');
    expect(onArgv.warnings()).not.toContain('correct horse');
  });

  it('warns that --text is unsafe (and then tries to send)', async () => {
    const { opts, warnings } = options({ text: 'hunter2' });
    await expect(createSecretCommand(opts, out)).rejects.toThrow(/Cannot reach the Vouchsafe API/);
    expect(warnings()).toContain('--text puts the secret in your shell history');
    expect(warnings()).not.toContain('hunter2');
  });
});

describe('help and wording', () => {
  it('has an overview, a page per command and a page per group', () => {
    expect(overview()).toContain('vouchsafe help <command>');
    expect(commandHelp(['secret', 'create'])).toMatch(/^Usage: vouchsafe secret create /);
    expect(commandHelp(['tenant', 'idp', 'set', 'acme'])).toMatch(/^Usage: vouchsafe tenant idp set SLUG/);
    expect(commandHelp(['secret'])).toContain('secret revoke LINK --revoke-token R');
    expect(commandHelp(['nope'])).toBeUndefined();
  });

  it("puts the API's field names back into the user's options", () => {
    expect(inUserWords('The request is not valid: ttlSeconds must be at most 30 days.')).toBe(
      'The request is not valid: --ttl must be at most 30 days.',
    );
    expect(inUserWords('The request is not valid: views must be at most 10.')).toBe(
      'The request is not valid: --views must be at most 10.',
    );
  });
});
