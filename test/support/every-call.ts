/**
 * `target` with `before` run ahead of every call to any of its methods: to count a store's calls, or to
 * kill the process (or throw) at the n-th one.
 */
export function beforeEveryCall<T extends object>(target: T, before: () => void): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value = Reflect.get(object, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        before();
        return value.apply(object, args);
      };
    },
  });
}
