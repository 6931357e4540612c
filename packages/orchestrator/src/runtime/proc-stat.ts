// CPU times of a local process from /proc/<pid>/stat (Linux): the process runtime's per-node
// figure and the bench's count of the Docker engine's processes read them the same way.

/** USER_HZ: the unit of /proc's CPU times on Linux. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  /** The command name, as the kernel keeps it (at most 15 characters). */
  comm: string;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** cutime + cstime: its children that have been reaped, in clock ticks. */
  childTicks: number;
}

/** The process's CPU times, or undefined once it is gone. */
export function procStat(pid: number | string, read: (path: string) => string): ProcStat | undefined {
  let stat: string;
  try {
    stat = read(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // The fields after the command's closing parenthesis: utime, stime, cutime and cstime are the
  // 12th to 15th of them (the command itself may hold spaces and parentheses).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
    ticks: Number(fields[11]) + Number(fields[12]),
    childTicks: Number(fields[13]) + Number(fields[14]),
  };
}
