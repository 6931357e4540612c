// Whether a process with this pid exists on this machine (signal 0 probes without signalling; a
// process of another user answers EPERM, which still means it exists).
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
