import { z } from 'zod';
import { formatSizeOverLimit } from './format';
import { text } from './text';
import { LIMITS } from './secrets';

/**
 * What a sender may seal, checked on the sender's side (sidebar, CLI) before anything is encrypted.
 * The API cannot apply these rules: it only ever sees ciphertext and key checks (S1, S4), never the
 * text, the file or the passphrase. So this module is the one rule, and every client applies it.
 */

/** A passphrase shorter than this is refused: the recipient reads it back over the phone, so not much longer. */
export const PASSPHRASE_MIN_CHARS = 8;

export const SECRET_INPUT_MESSAGES = {
  textMissing: 'Type the secret to send.',
  textBlank: 'The secret is only spaces or blank lines: type the secret to send.',
  textTooLarge: (size: string, limit: string): string => `This text is ${size}; the limit is ${limit}. Send it as a file instead.`,
  fileEmpty: 'This file is empty (0 bytes): choose the file to send.',
  fileTooLarge: (size: string, limit: string): string => `This file is ${size}; the limit is ${limit}.`,
  passphraseTooShort: `A passphrase must be at least ${PASSPHRASE_MIN_CHARS} characters (or leave it out).`,
  ttlTooShort: 'The expiry must be at least 5 minutes.',
  ttlTooLong: 'The expiry must be at most 30 days.',
} as const;

const utf8 = new TextEncoder();

/** The size limit of a text secret is in UTF-8 bytes (what is sealed), not characters. */
export const utf8Bytes = (value: string): number => utf8.encode(value).length;

/** Why this text cannot be sent, in the sender's words; undefined when it can. */
export function secretTextProblem(value: string): string | undefined {
  if (value === '') return SECRET_INPUT_MESSAGES.textMissing;
  if (value.trim() === '') return SECRET_INPUT_MESSAGES.textBlank;
  const bytes = utf8Bytes(value);
  if (bytes > LIMITS.textBytes) return SECRET_INPUT_MESSAGES.textTooLarge(...formatSizeOverLimit(bytes, LIMITS.textBytes));
  return undefined;
}

/** Why a file of this many bytes cannot be sent (`limit`: the deployment's file limit); undefined when it can. */
export function secretFileProblem(sizeBytes: number, limit: number = LIMITS.fileBytesDefault): string | undefined {
  if (sizeBytes === 0) return SECRET_INPUT_MESSAGES.fileEmpty;
  if (sizeBytes > limit) return SECRET_INPUT_MESSAGES.fileTooLarge(...formatSizeOverLimit(sizeBytes, limit));
  return undefined;
}

/** An empty passphrase means "no passphrase"; anything else must be long enough. */
export function passphraseProblem(value: string): string | undefined {
  return value !== '' && [...value].length < PASSPHRASE_MIN_CHARS ? SECRET_INPUT_MESSAGES.passphraseTooShort : undefined;
}

/** The API's TTL range (LIMITS), said in words; undefined when `seconds` is allowed. */
export function ttlProblem(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds < LIMITS.ttlMinSeconds) return SECRET_INPUT_MESSAGES.ttlTooShort;
  if (seconds > LIMITS.ttlMaxSeconds) return SECRET_INPUT_MESSAGES.ttlTooLong;
  return undefined;
}

const refineWith =
  <T>(problem: (value: T) => string | undefined) =>
  (value: T, ctx: z.RefinementCtx): void => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  };

/** The same rules as schemas, for forms and scripts that validate with zod. */
export const SecretTextSchema = text().superRefine(refineWith(secretTextProblem));
export const SecretFileSizeSchema = z
  .number()
  .int()
  .nonnegative()
  .superRefine(refineWith((n: number) => secretFileProblem(n)));
export const PassphraseSchema = text().superRefine(refineWith(passphraseProblem));
