import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A SWITCHBOARD_PLUGINS entry that names a file or folder rather than an installed package. */
export function isPluginPath(entry: string): boolean {
  return entry.startsWith('/') || entry.startsWith('./') || entry.startsWith('../') || entry === '.';
}

/**
 * What `import()` loads for one SWITCHBOARD_PLUGINS entry. A package name is returned as it is (resolved
 * from the b2bua app, where installed plugins live). A path is resolved against the working directory
 * and checked now, so a mistake stops start-up with a message saying what is wrong: a file is loaded
 * as it is; a folder is a plugin package, loaded through its package.json (`exports` ".", else `main`).
 * Throws an Error whose message names the path.
 */
export function pluginImportSpecifier(entry: string, cwd: string = process.cwd()): string {
  if (!isPluginPath(entry)) return entry;
  const absolute = path.resolve(cwd, entry);
  const stat = fs.statSync(absolute, { throwIfNoEntry: false });
  if (!stat) throw new Error(`plugin path ${absolute} does not exist`);
  if (stat.isFile()) return pathToFileURL(absolute).href;
  if (!stat.isDirectory()) throw new Error(`plugin path ${absolute} is neither a file nor a folder`);
  const entryFile = path.resolve(absolute, packageEntry(absolute));
  if (!fs.statSync(entryFile, { throwIfNoEntry: false })?.isFile()) {
    throw new Error(
      `plugin package ${absolute} points at ${path.relative(absolute, entryFile)}, which does not exist (build the plugin first)`,
    );
  }
  return pathToFileURL(entryFile).href;
}

/** The module a plugin package folder exports as ".", relative to the folder. */
function packageEntry(folder: string): string {
  const file = path.join(folder, 'package.json');
  let pkg: unknown;
  try {
    pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`plugin folder ${folder} has no readable package.json (${why})`);
  }
  const manifest = (typeof pkg === 'object' && pkg !== null ? pkg : {}) as {
    exports?: unknown;
    main?: unknown;
  };
  const exported = exportTarget(dotEntry(manifest.exports));
  if (exported !== undefined) return exported;
  if (typeof manifest.main === 'string') return manifest.main;
  throw new Error(
    `plugin package ${folder} has neither an "exports" entry for "." nor "main" in package.json`,
  );
}

/** The "." entry of an `exports` field (Node's package exports: a string, conditions, or subpaths). */
function dotEntry(exportsField: unknown): unknown {
  if (typeof exportsField !== 'object' || exportsField === null) return exportsField;
  const keys = Object.keys(exportsField);
  return keys.some((k) => k.startsWith('.')) ? (exportsField as Record<string, unknown>)['.'] : exportsField;
}

/** Follows the conditions an ES module import in Node matches, in the package's own order. */
function exportTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(exportTarget).find((t) => t !== undefined);
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [condition, target] of Object.entries(value)) {
    if (condition === 'node' || condition === 'import' || condition === 'default') {
      const found = exportTarget(target);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
