import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The domain reads as layers: no module of functions/domain imports (or re-exports, or imports a type
 * from) a module that leads back to it. A circle is where a change in one file breaks another nobody
 * thought of, and where bundlers meet half-initialised modules.
 */
const DOMAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../functions/domain');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g;

function domainGraph(): Map<string, string[]> {
  const files = readdirSync(DOMAIN, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = readFileSync(join(DOMAIN, file), 'utf8');
    const targets = [...source.matchAll(IMPORT)]
      .map((m) => relative(DOMAIN, resolve(DOMAIN, dirname(file), m[1]!)))
      .filter((t) => !t.startsWith('..'));
    graph.set(file, targets);
  }
  return graph;
}

/** Every cycle's modules, one list per strongly connected component of more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      const selfImport = graph.get(v)?.includes(v);
      if (component.length > 1 || selfImport) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('functions/domain', () => {
  it('should find a circle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('should read the real imports, type imports and re-exports included', () => {
    const graph = domainGraph();
    expect(graph.get('model.ts')).toContain('steps.ts');
    expect(graph.get('report/document.ts')).toContain('report/keys.ts');
    expect(graph.size).toBeGreaterThan(50);
  });

  it('should have no import circle', () => {
    expect(cycles(domainGraph())).toEqual([]);
  });
});
