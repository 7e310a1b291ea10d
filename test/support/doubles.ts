/**
 * A typed stand-in for a dependency: it has the members a test gives it, and touching any other
 * fails the test naming the member, instead of a cast that lets anything through.
 */
export function double<T extends object>(name: string, members: Partial<T> = {}): T {
  return new Proxy(members as T, {
    get(target, property, receiver) {
      if (property in target) return Reflect.get(target, property, receiver);
      // awaited or inspected by the test runner: not a use
      if (property === 'then' || typeof property === 'symbol') return undefined;
      throw new Error(`${name}.${String(property)} was not expected to be used by this test`);
    },
  });
}
