// How start.mjs passes a stop on to the processes it runs (the API, the demo desk). Used by start.mjs only.
//
// - A signal sent to the start script alone (`kill <pid>`) is forwarded, once, to each child.
// - A signal sent to the whole process group (Ctrl-C in the terminal, `kill -- -PGID`, systemd's stop) reaches the
//   children directly as well; the forwarded copy arrives a moment later and the API counts the two as one stop
//   request (services/api/src/stop-signals.ts), so it keeps draining.
// - `pnpm start` and `npm start` exit on SIGTERM without passing it on (checked with pnpm 12.4 and npm 11.19): the
//   start script is left behind with a new parent. It notices within `pollMs` and stops the children with SIGTERM,
//   as if the signal had been passed on.

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'];

/**
 * @param {() => Iterable<import('node:child_process').ChildProcess>} children the processes still running
 * @param {{ log?: (line: string) => void, pollMs?: number }} [opts]
 * @returns {{ readonly isStopping: boolean }}
 */
export function forwardStops(children, opts = {}) {
  const log = opts.log ?? ((line) => console.log(line));
  let isStopping = false;
  const stop = (signal) => {
    isStopping = true;
    for (const child of children()) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => stop(signal));

  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    log('• The command that started Vouchsafe has exited; stopping it (SIGTERM).');
    stop('SIGTERM');
  }, opts.pollMs ?? 500);
  watch.unref();

  return {
    get isStopping() {
      return isStopping;
    },
  };
}
