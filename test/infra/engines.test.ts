import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/*
 * The Node versions csat supports (package.json `engines`, stated in the README) are ones every installed
 * package supports too: npm warned that @middy/core 7 needs Node 22 while the README said 20+ (issue 14).
 * The functions' runtime (Node 22 on Lambda) must suit every production dependency as well.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const pkg = readJson(join(ROOT, 'package.json')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};

interface Installed {
  name: string;
  version: string;
  node?: string;
  dependencies: string[];
}

/** Every package under node_modules (nested ones too), by folder. */
function installed(
  dir = join(ROOT, 'node_modules'),
  found = new Map<string, Installed>(),
): Map<string, Installed> {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (entry.startsWith('@')) {
      installed(path, found);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (!existsSync(manifest)) continue;
    const json = readJson(manifest) as {
      name: string;
      version: string;
      engines?: { node?: string };
      dependencies?: Record<string, string>;
    };
    found.set(path, {
      name: json.name,
      version: json.version,
      ...(json.engines?.node ? { node: json.engines.node } : {}),
      dependencies: Object.keys(json.dependencies ?? {}),
    });
    installed(join(path, 'node_modules'), found);
  }
  return found;
}

describe('supported Node versions', () => {
  const ours = pkg.engines.node;
  const all = [...installed().values()];

  it('should support only Node versions every installed package supports', () => {
    // Act
    const narrower = all
      .filter((p) => p.node !== undefined && !semver.subset(ours, p.node))
      .map((p) => `${p.name}@${p.version} wants ${p.node}`);

    // Assert
    expect(all.length).toBeGreaterThan(100);
    expect(narrower).toEqual([]);
  });

  it('should run the functions on a Node every production dependency supports', () => {
    // Arrange: the production dependencies and theirs, by name (the bundles take each once).
    const byName = new Map(all.map((p) => [p.name, p]));
    const production = new Set<string>();
    const visit = (name: string) => {
      if (production.has(name) || !byName.has(name)) return;
      production.add(name);
      for (const dep of byName.get(name)!.dependencies) visit(dep);
    };
    for (const name of Object.keys(pkg.dependencies)) visit(name);
    const runtime = readFileSync(join(ROOT, 'lib', 'csat-function.ts'), 'utf8').match(
      /Runtime\.NODEJS_(\d+)_X/,
    )?.[1];

    // Act
    const refusing = [...production]
      .map((name) => byName.get(name)!)
      .filter((p) => p.node !== undefined && !semver.satisfies(`${runtime}.12.0`, p.node));

    // Assert
    expect(runtime).toBe('22');
    expect(production.size).toBeGreaterThan(10);
    expect(refusing).toEqual([]);
  });

  it('should say in the README the versions package.json supports', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(ours).toBe('^20.19.0 || ^22.12.0 || >=24.0.0');
    expect(readme).toContain('Node.js 20.19+, 22.12+ or 24+');
  });
});
