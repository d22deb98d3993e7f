/**
 * The public entry point (lib/index.ts): it names what it exports, internals stay out, and the
 * notebook imports through it alone, so the files behind it can move.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as api from '../lib/index';

const root = path.resolve(__dirname, '..', '..');

test('every name the index exports is defined, and the internals are not among them', () => {
  const names = Object.keys(api);
  assert.ok(names.length > 100, `${names.length} names`);
  for (const name of names) assert.notEqual((api as Record<string, unknown>)[name], undefined, name);
  for (const internal of [
    'scanNumber',
    'forEachLine',
    'rowProblem',
    'groupLines',
    'wardClustering',
    'typedArraySpec',
    'ValueSketch',
    'parseRunnerEvent',
    'plotlySource',
  ]) {
    assert.ok(!names.includes(internal), `${internal} is internal`);
  }
  const source = fs.readFileSync(path.join(root, 'lib', 'index.ts'), 'utf8');
  assert.doesNotMatch(source, /export \*/, 'no export *: every name is listed');
});

test('the notebook imports from ../dist/lib/index alone, and only names the index exports', () => {
  const nb = JSON.parse(fs.readFileSync(path.join(root, 'notebooks', 'evaluation_5T.ipynb'), 'utf8')) as {
    cells: { cell_type: string; source: string[] }[];
  };
  const code = nb.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => c.source.join(''))
    .join('\n');
  const imports = [...code.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)];
  assert.deepEqual(
    imports.map((m) => m[2]),
    ['../dist/lib/index'],
  );
  const names = imports[0][1]
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) assert.ok(name in api, `${name} is exported by lib/index.ts`);
  assert.doesNotMatch(code, /\bimport\b[^{]*\bfrom\b/, 'no other import form');
});
