/**
 * CPU time of other processes, read from /proc (Linux): what a server process spent on the work it was given,
 * whoever else shares the machine. Time spent waiting for a CPU is not counted, which is what makes CPU per cycle
 * steadier than throughput on a loaded machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc's utime/stime (CLK_TCK, nearly always 100). */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses); field 3 is index 0. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone
  }
}

/** User and system CPU of `pid` (all its threads) in milliseconds. */
export function cpuSplitMs(pid: number): { user: number; system: number } {
  const f = statFields(pid);
  if (!f) return { user: 0, system: 0 };
  // utime and stime are fields 14 and 15.
  return { user: (Number(f[11]) * 1000) / clockTicks(), system: (Number(f[12]) * 1000) / clockTicks() };
}

/** User + system CPU of `pid` (all its threads) in milliseconds; with `reaped`, also that of its waited-for children. */
export function cpuMs(pid: number, reaped = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  // utime, stime, cutime, cstime are fields 14–17.
  const ticks = Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0);
  return (ticks * 1000) / clockTicks();
}

/** CPU of a process and its direct children, including children that exited and were reaped (a Postgres cluster). */
export function treeCpuMs(pid: number): number {
  let total = cpuMs(pid, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === pid) total += cpuMs(Number(entry));
  }
  return total;
}

/** CPU time of the whole machine so far (all CPUs, from /proc/stat), in milliseconds: busy (not idle or iowait) and total. */
export function machineCpuMs(): { busy: number; total: number } {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: ((total - idle) * 1000) / clockTicks(), total: (total * 1000) / clockTicks() };
}

export const hasProc = (): boolean => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
};
