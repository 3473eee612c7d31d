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
