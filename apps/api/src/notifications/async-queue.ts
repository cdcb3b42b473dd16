/**
 * An async iterator fed by pushes (what GraphQL subscriptions consume). `subscribe` attaches the source and returns
 * how to detach it; the client's unsubscribe (`return`) detaches at once.
 */
export function pushIterator<T>(subscribe: (push: (value: T) => void) => () => void): AsyncIterableIterator<T> {
  const queue: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  let done = false;
  const unsubscribe = subscribe((value) => {
    if (done) return;
    if (waiting === null) {
      queue.push(value);
      return;
    }
    const resolve = waiting;
    waiting = null;
    resolve({ value, done: false });
  });
  const finish = (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      unsubscribe();
      queue.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next(): Promise<IteratorResult<T>> {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift() as T, done: false });
      if (done) return finish();
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return: finish,
    throw(error: unknown): Promise<IteratorResult<T>> {
      void finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
