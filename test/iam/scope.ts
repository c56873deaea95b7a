import { AsyncLocalStorage } from 'node:async_hooks';

/*
 * Which Lambda function the code running now belongs to. Every handler module the tests load is
 * wrapped (test/iam/vite-plugin.ts) so that each invocation runs inside its function's scope; the IAM
 * guard (test/iam/guard.ts) checks the SDK calls made inside a scope against that function's role.
 * Calls outside any scope are the tests' own (seeding, reading back) and act as the account owner.
 */
export interface FunctionScope {
  /** The handler name: `send`, `report`, … (functions/handlers/<name>). */
  fn: string;
}

const KEY = Symbol.for('csat.iam.scope');
const globals = globalThis as { [KEY]?: AsyncLocalStorage<FunctionScope> };
// One store per process: handler modules are re-evaluated per test file, the SDK's Client is not.
globals[KEY] ??= new AsyncLocalStorage<FunctionScope>();
const storage = globals[KEY];

export const currentFunction = (): FunctionScope | undefined => storage.getStore();

export function runAsFunction<T>(fn: string, work: () => T): T {
  return storage.run({ fn }, work);
}

/** The handler, each invocation run as function `fn` (its properties, such as middy's `.use`, kept). */
export function withFunctionScope<H extends (...args: never[]) => unknown>(fn: string, handler: H): H {
  return new Proxy(handler, {
    apply: (target, thisArg, args) => runAsFunction(fn, () => Reflect.apply(target, thisArg, args)),
  });
}
