// Latest-wins requests: when a user drags a slider, only the answer to the
// last change matters. Each call cancels the one before, after an optional
// pause, so the server is never asked twice at once for the same thing.

/** Latest runs one async task at a time for a caller, cancelling the one before. */
export class Latest<T> {
  private ctrl: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /**
   * run waits delayMs, then calls task with a signal that aborts when run
   * is called again. It resolves with the task's result, or with null when
   * a later call superseded it (so callers ignore stale answers).
   */
  run(task: (signal: AbortSignal) => Promise<T>, delayMs = 0): Promise<T | null> {
    this.cancel();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    return new Promise<T | null>((resolve, reject) => {
      const start = () => {
        this.timer = null;
        if (ctrl.signal.aborted) return resolve(null);
        task(ctrl.signal).then(
          (v) => resolve(ctrl.signal.aborted ? null : v),
          (e) => (ctrl.signal.aborted ? resolve(null) : reject(e)),
        );
      };
      ctrl.signal.addEventListener('abort', () => resolve(null), { once: true });
      if (delayMs > 0) this.timer = setTimeout(start, delayMs);
      else start();
    });
  }

  /** cancel aborts the task in flight or waiting, if any. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ctrl?.abort();
    this.ctrl = null;
  }
}
