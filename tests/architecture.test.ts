/**
 * The house rules of lib/ (docs/architecture.md), read from the sources on disk: layers import only
 * the layers below them, no module imports itself back through others (type imports included), the
 * top level holds the entry point, its two public faces and the shared vocabulary alone, and no
 * module outgrows 400 lines (the seed's sentences, which are data, aside).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const lib = path.join(root, 'lib');

/** lib/'s folders from the bottom layer to the top one: each may import the ones before it. */
const LAYERS = ['table', 'reader', 'evaluation', 'triage', 'findings', 'summary', 'figures', 'notebook'];
/** Top-level files every layer may import: the shared vocabulary. They import no folder. */
const SHARED = ['types.ts', 'defaults.ts', 'html.ts', 'options.ts', 'files.ts'];
/** Top-level files that face the user: they may import any folder, and nothing in lib/ imports them. */
const ENTRY = ['index.ts', 'loaders.ts', 'plots.ts'];
/** Files of lib/ allowed past 400 lines because they are text that is data. */
const DATA_FILES = ['findings/seed.ts'];

/** Every .ts file under lib/, as a path relative to lib/ with forward slashes. */
function libFiles(dir = lib): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return libFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(lib, full).split(path.sep).join('/')] : [];
  });
}

/** The lib/ modules a file imports or re-exports (`import`, `import type`, `export ... from`), relative to lib/. */
function importsOf(file: string): string[] {
  const source = fs.readFileSync(path.join(lib, file), 'utf8');
  const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']*)'/gms)].map((m) => m[1]);
  return specifiers
    .map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)))
    .filter((target) => !target.startsWith('..'))
    .map((target) => {
      if (fs.existsSync(path.join(lib, `${target}.ts`))) return `${target}.ts`;
      if (fs.existsSync(path.join(lib, target, 'index.ts'))) return `${target}/index.ts`;
      throw new Error(`${file} imports ${target}, which is not a module of lib/`);
    });
}

/** The layer of a lib/ file: its first folder, or 'shared' / 'entry' for a top-level file. */
function layerOf(file: string): string {
  const folder = file.split('/')[0];
  if (folder !== file) return folder;
  if (SHARED.includes(file)) return 'shared';
  if (ENTRY.includes(file)) return 'entry';
  return 'unknown';
}

const files = libFiles();
const graph = new Map(files.map((file) => [file, importsOf(file)]));

test('the top of lib/ holds the entry point, its two faces and the shared vocabulary: at most 8 files', () => {
  const top = files.filter((file) => !file.includes('/'));
  assert.deepEqual(top.sort(), [...SHARED, ...ENTRY].sort());
  assert.ok(top.length <= 8, `${top.length} files at the top of lib/`);
  const folders = fs
    .readdirSync(lib, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  assert.deepEqual(folders.sort(), [...LAYERS].sort());
});

/** Imports that go up or sideways between layers, as "file (layer) imports target (layer)". */
function wrongImports(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const wrong: string[] = [];
  for (const [file, targets] of imports) {
    const from = layerOf(file);
    for (const target of targets) {
      const to = layerOf(target);
      if (from === 'entry' || to === from) continue;
      const allowed =
        to === 'shared'
          ? from !== 'shared'
          : to !== 'entry' && from !== 'shared' && LAYERS.indexOf(to) < LAYERS.indexOf(from);
      if (!allowed) wrong.push(`${file} (${from}) imports ${target} (${to})`);
    }
  }
  return wrong;
}

/** Every import circle, as "a → b → a" (depth-first; each circle found once from where it is entered). */
function circles(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[] = [];
  const visit = (file: string, trail: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      found.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const target of imports.get(file) ?? []) visit(target, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of imports.keys()) visit(file, []);
  return found;
}

test('every import goes down the layers: a folder imports only the folders below it and the shared files', () => {
  assert.deepEqual(wrongImports(graph), []);
});

test('no import circle in lib/, type-only imports included', () => {
  assert.deepEqual(circles(graph), []);
});

test('the checks read the real graph, and see a circle or an upward import when there is one', () => {
  assert.ok(graph.get('reader/read-table.ts')?.includes('table/frame.ts'), 'an import of the reader');
  assert.ok(graph.get('summary/changes.ts')?.includes('summary/schema.ts'), 'a type-only import');
  assert.ok(graph.get('index.ts')?.includes('loaders.ts'), 'a re-export');
  const upward = new Map([
    ['table/frame.ts', ['reader/read-table.ts']],
    ['reader/read-table.ts', ['table/frame.ts']],
    ['types.ts', ['table/frame.ts']],
    ['figures/timeline.ts', ['plots.ts']],
  ]);
  assert.deepEqual(wrongImports(upward), [
    'table/frame.ts (table) imports reader/read-table.ts (reader)',
    'types.ts (shared) imports table/frame.ts (table)',
    'figures/timeline.ts (figures) imports plots.ts (entry)',
  ]);
  assert.deepEqual(circles(upward), ['table/frame.ts → reader/read-table.ts → table/frame.ts']);
});

test('no lib/ file is over 400 lines, except text that is data', () => {
  const long = files
    .filter((file) => !DATA_FILES.includes(file))
    .map((file) => ({ file, lines: fs.readFileSync(path.join(lib, file), 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > 400);
  assert.deepEqual(long, []);
});
