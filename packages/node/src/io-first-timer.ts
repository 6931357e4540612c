// A deadline that never beats I/O that has already arrived. Node runs the timers that are due
// before it polls for I/O, so after a stall (a starved process, a paused container, a long GC) a
// plain setTimeout judges a connection or a probe before reading the bytes that reached the socket
// in time. This timer hands its callback to the check phase (setImmediate), which runs after the
// poll phase has delivered whatever was ready: the answer that made it wins over the timeout.

export class IoFirstTimer {
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;

  constructor(ms: number, callback: () => void, opts: { unref?: boolean } = {}) {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#immediate = setImmediate(() => {
        this.#immediate = undefined;
        callback();
      });
    }, ms);
    if (opts.unref) this.#timer.unref();
  }

  cancel(): void {
    clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }
}
