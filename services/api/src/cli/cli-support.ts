export class CliError extends Error {
  override name = 'CliError';
}

/** `audit verify` found tampering: its own exit code (4), distinct from errors (1) and bad configuration (78). */
export class AuditBrokenError extends CliError {
  override name = 'AuditBrokenError';
}

/** Output: `info` lines come first; `result` is the last line of stdout (scripts read it). */
export interface Out {
  info(line: string): void;
  result(line: string): void;
}

export const stdoutOut: Out = {
  info: (line) => process.stdout.write(`${line}\n`),
  result: (line) => process.stdout.write(`${line}\n`),
};

/** API field names → the options the user typed, so a refusal the API words reads in the user's words. */
const FIELD_WORDS: [RegExp, string][] = [
  [/\bttlSeconds\b/g, '--ttl'],
  [/\bviews\b(?= must)/g, '--views'],
  [/\blabel\b(?= )/g, '--label'],
  [/\bexpiresInDays\b/g, '--days'],
];
export const inUserWords = (message: string): string => FIELD_WORDS.reduce((m, [re, words]) => m.replace(re, words), message);
