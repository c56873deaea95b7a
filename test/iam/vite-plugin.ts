import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const HANDLER_MODULE = /\/functions\/handlers\/([a-z0-9-]+)\/index\.ts$/;
const SCOPE_MODULE = fileURLToPath(new URL('./scope.ts', import.meta.url));

/**
 * Wraps the `handler` export of every functions/handlers/<name>/index.ts the tests load, so each
 * invocation runs as function <name> and the IAM guard checks its SDK calls against that function's
 * role. Lines keep their numbers (one line is renamed, two are appended), so stack traces still point
 * at the source. A handler module without `export const handler =` fails loudly rather than go unchecked.
 */
export function iamScopePlugin(): Plugin {
  return {
    name: 'csat-iam-scope',
    enforce: 'pre',
    transform(code, id) {
      const name = HANDLER_MODULE.exec(id.split('?')[0]!)?.[1];
      if (!name) return null;
      const declaration = /^export const handler =/m;
      if (!declaration.test(code)) {
        throw new Error(`${id}: no \`export const handler =\`, so the IAM guard cannot scope its calls`);
      }
      return {
        code:
          `${code.replace(declaration, 'const __csatHandler =')}\n` +
          `import { withFunctionScope as __csatScope } from ${JSON.stringify(SCOPE_MODULE)};\n` +
          `export const handler = __csatScope(${JSON.stringify(name)}, __csatHandler);\n`,
        map: null,
      };
    },
  };
}
