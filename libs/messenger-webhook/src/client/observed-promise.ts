/**
 * A promise that knows whether anyone attached a handler to it (`await`, `.then`, `.catch`, `.finally`). Its own
 * rejection never surfaces as an unhandled rejection, which would stop the process: a send a handler did not await
 * that then fails is reported through `onUnobservedRejection` instead.
 */
class ObservedPromise<T> extends Promise<T> {
  /** Set once anything attached a handler. */
  observed = false;

  // Promises derived from this one (`then` results) are plain promises.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.observed = true;
    return super.then(onFulfilled, onRejected);
  }
}

/** Wraps `promise` so that a rejection nobody awaited goes to `onUnobservedRejection` rather than crashing the process. */
export function observed<T>(promise: Promise<T>, onUnobservedRejection: (error: unknown) => void): Promise<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const wrapper = new ObservedPromise<T>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  // Marks the wrapper as handled without counting as an observer (the base `then` skips the override above).
  Promise.prototype.then.call(wrapper, undefined, () => undefined);
  promise.then(resolve, (error: unknown) => {
    reject(error);
    // `await` attaches its handler one microtask late: judge once the microtasks of this turn have run.
    setImmediate(() => {
      if (!wrapper.observed) onUnobservedRejection(error);
    });
  });
  return wrapper;
}
