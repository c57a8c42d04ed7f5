/**
 * A subscription's results that can be ended from outside: `watch` gets a function that ends the
 * stream — after one last result, if given — and returns "stop watching". The source is released
 * when the stream ends either way.
 */
export function endable<T>(
  source: AsyncIterable<T>,
  watch: (end: (last?: T) => void) => () => void,
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
  let ending: { last?: T } | null = null;
  let announceEnd = () => {};
  const ended = new Promise<"ended">((resolve) => {
    announceEnd = () => resolve("ended");
  });
  const stopWatching = watch((last) => {
    if (ending) return;
    ending = { last };
    announceEnd();
  });
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    stopWatching();
    // Not awaited: the source may be waiting for its next event, and its cleanup waits for that.
    void iterator.return?.()?.catch(() => {});
  };
  const finish = (): IteratorResult<T> => {
    const last = ending?.last;
    if (ending) ending.last = undefined;
    release();
    return last === undefined ? done : { done: false, value: last };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (ending) return finish();
      try {
        const result = await Promise.race([iterator.next(), ended]);
        if (result === "ended") return finish();
        if (result.done) release();
        return result;
      } catch (error) {
        release();
        throw error;
      }
    },
    async return() {
      release();
      return done;
    },
  };
}
