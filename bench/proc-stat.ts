import { readdirSync, readFileSync } from 'node:fs';

/** Linux's clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat's CPU times. */
export const TICKS_PER_SECOND = 100;

/** What the load tools read of /proc/<pid>/stat (Linux); CPU times in ticks. */
export interface ProcessStat {
  /** The executable's name (stat's "comm"), not the command line. */
  name: string;
  parent: number;
  utime: number;
  stime: number;
  /** CPU of the process's ended, waited-for children. */
  cutime: number;
  cstime: number;
}

/** The ids of the processes running now (throws where there is no /proc). */
export function processIds(): number[] {
  return readdirSync('/proc').map(Number).filter(Number.isInteger);
}

/** /proc/<pid>/stat, or null when the process has ended meanwhile. */
export function processStat(pid: number): ProcessStat | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The name is in parentheses and may itself hold spaces and parentheses; the fields after it are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    parent: Number(fields[1]),
    utime: Number(fields[11]),
    stime: Number(fields[12]),
    cutime: Number(fields[13]),
    cstime: Number(fields[14]),
  };
}
