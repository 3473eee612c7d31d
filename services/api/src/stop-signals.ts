/**
 * How SIGINT and SIGTERM stop the API (README, "Stopping"). The first stop request drains: no new connections,
 * requests in flight finish (at most VOUCHSAFE_SHUTDOWN_GRACE_MS), then jobs, pool and embedded Postgres stop. The
 * second only says that it is draining — an impatient second Ctrl-C must not cut a request off. The third stops at
 * once. One request can arrive twice: under `npm start` a Ctrl-C reaches this process from the terminal (the whole
 * process group) and again from the start script, which forwards it in case it was sent to the script alone; a
 * signal within COPY_WINDOW_MS of the last counted one is such a copy and counts once.
 */

export const COPY_WINDOW_MS = 500;

export type StopStep = 'drain' | 'repeat' | 'force' | 'copy';

/** Classifies each stop signal as it arrives; `now` is injectable for tests. */
export function createStopCounter(now: () => number = Date.now): () => StopStep {
  let counted = 0;
  let lastCountedAt = 0;
  return () => {
    const at = now();
    if (counted > 0 && at - lastCountedAt < COPY_WINDOW_MS) return 'copy';
    counted += 1;
    lastCountedAt = at;
    return counted === 1 ? 'drain' : counted === 2 ? 'repeat' : 'force';
  };
}
