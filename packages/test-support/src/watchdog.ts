import { spawn, type ChildProcess } from 'node:child_process';

export interface WatchdogOptions {
  /** Process to stop once this process is gone. */
  pid: number;
  /** Only signal `pid` while its command line still contains this (guards against pid reuse). */
  cmdlineContains: string;
  /** First signal; SIGKILL follows after `graceSeconds`. */
  signal: 'TERM' | 'INT' | 'QUIT';
  graceSeconds: number;
  /** Directory to delete afterwards. */
  removeDir?: string;
  /**
   * SIGCONT `pid` and its direct children before signalling: a test may have frozen them (SIGSTOP), and a stopped
   * process acts on no signal but SIGKILL, which would leave its children stopped forever.
   */
  resumeChildren?: boolean;
}

/**
 * A detached shell that outlives us: once this process is gone (including by SIGKILL or the OOM killer, which no
 * exit hook sees) it stops `pid` and deletes `removeDir`. Kill the returned process after a normal shutdown.
 */
export function spawnWatchdog(opts: WatchdogOptions): ChildProcess {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done',
    'alive() { grep -qaF -- "$3" "/proc/$2/cmdline" 2>/dev/null; }',
    'if alive && [ "$7" = 1 ]; then kill -CONT "$2"; for c in $(ps -o pid= --ppid "$2" 2>/dev/null); do kill -CONT "$c" 2>/dev/null; done; fi',
    'if alive; then kill -"$4" "$2"; i=0; while alive && [ "$i" -lt "$5" ]; do sleep 1; i=$((i+1)); done; alive && kill -KILL "$2"; fi',
    'if [ -n "$6" ]; then sleep 1; rm -rf -- "$6"; fi',
  ].join('\n');
  const watchdog = spawn(
    'sh',
    [
      '-c',
      script,
      'vouchsafe-watchdog',
      String(process.pid),
      String(opts.pid),
      opts.cmdlineContains,
      opts.signal,
      String(opts.graceSeconds),
      opts.removeDir ?? '',
      opts.resumeChildren ? '1' : '0',
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.on('error', () => undefined);
  watchdog.unref();
  return watchdog;
}
