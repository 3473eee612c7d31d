/**
 * Preloaded into the API process by `pnpm bench` when BENCH_CPU_PROF_DIR is set (Node 20 refuses `--cpu-prof` in
 * NODE_OPTIONS). SIGUSR2 starts a V8 CPU profile; the next SIGUSR2 (or exit) writes it to that directory as
 * `api-<pid>-<n>.cpuprofile` — the bench sends the signals around the measured window, so start-up and idle phases
 * stay out of it. Open it in Chrome DevTools or summarise it with bench/profile-summary.ts.
 * Samples are taken on a wall-clock timer: time the process spent preempted inside a system call (often `writev`
 * on a busy 2-core machine) shows up as that call, so read the JavaScript shares, not the absolute times.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_CPU_PROF_INTERVAL_US ?? 200) });
  let isRecording = false;
  let n = 0;
  // The in-process inspector session answers synchronously, so this also works inside 'exit'.
  const stop = () => {
    if (!isRecording) return;
    isRecording = false;
    n += 1;
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(path.join(dir, `api-${process.pid}-${n}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('SIGUSR2', () => {
    if (isRecording) return stop();
    isRecording = true;
    session.post('Profiler.start');
  });
  process.on('exit', stop);
}
