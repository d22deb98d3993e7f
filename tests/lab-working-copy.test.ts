/**
 * `npm run lab` opens a working copy of the evaluation notebook, never the committed one: made once,
 * kept with the user's runs and edits, said to be stale when the committed notebook changes, made
 * again only when asked, and ignored by git.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findProjectRoot } from '../lib/notebook/kernel';
import { labWorkingCopy, workingCopyPath } from '../lab/working-copy';

const NOTEBOOK = {
  cells: [{ cell_type: 'code', id: 'a', metadata: {}, source: ['1 + 1'], execution_count: null, outputs: [] }],
  metadata: { kernelspec: { name: 'k', display_name: 'K', language: 'typescript' } },
  nbformat: 4,
  nbformat_minor: 5,
};

test('the working copy is made once beside the notebook, kept with what the user did, stale when the notebook changes, made again only when asked', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-copy-'));
  try {
    const notebook = path.join(dir, 'evaluation_5T.ipynb');
    fs.writeFileSync(notebook, `${JSON.stringify(NOTEBOOK, null, 1)}\n`);
    const committed = fs.readFileSync(notebook, 'utf8');

    const made = labWorkingCopy(notebook);
    assert.deepEqual(made, { path: path.join(dir, 'evaluation_5T.lab.ipynb'), created: true, stale: false });
    assert.equal(workingCopyPath(notebook), made.path);
    const copy = JSON.parse(fs.readFileSync(made.path, 'utf8'));
    assert.deepEqual(copy.cells, NOTEBOOK.cells, 'the same cells');
    assert.deepEqual(copy.metadata.kernelspec, NOTEBOOK.metadata.kernelspec);
    assert.equal(copy.metadata.anomaly_eval.copied_from.file, 'evaluation_5T.ipynb');

    // The user runs the copy in Lab and saves it: outputs and Lab's metadata land in the copy only.
    copy.cells[0].outputs = [{ output_type: 'execute_result', data: { 'text/plain': '2' }, execution_count: 1 }];
    copy.metadata.language_info = { name: 'typescript', version: '5' };
    const saved = `${JSON.stringify(copy, null, 1)}\n`;
    fs.writeFileSync(made.path, saved);
    assert.deepEqual(labWorkingCopy(notebook), { path: made.path, created: false, stale: false });
    assert.equal(fs.readFileSync(made.path, 'utf8'), saved, 'the copy is left as the user saved it');
    assert.equal(fs.readFileSync(notebook, 'utf8'), committed, 'the notebook itself is never written');

    // The committed notebook changes (a pull): the copy is kept, and said to be stale.
    fs.writeFileSync(notebook, committed.replace('1 + 1', '2 + 2'));
    assert.deepEqual(labWorkingCopy(notebook), { path: made.path, created: false, stale: true });
    assert.equal(fs.readFileSync(made.path, 'utf8'), saved);

    // Asked for a fresh copy: made again from the notebook as it is now.
    assert.deepEqual(labWorkingCopy(notebook, { fresh: true }), { path: made.path, created: true, stale: false });
    assert.deepEqual(JSON.parse(fs.readFileSync(made.path, 'utf8')).cells[0].source, ['2 + 2']);
    assert.deepEqual(labWorkingCopy(notebook), { path: made.path, created: false, stale: false });
    assert.deepEqual(
      fs.readdirSync(dir).sort(),
      ['evaluation_5T.ipynb', 'evaluation_5T.lab.ipynb'],
      'no temp file left',
    );

    // A copy that is not JSON (half edited by hand) is the user's: kept, called stale.
    fs.writeFileSync(made.path, '{ not json');
    assert.deepEqual(labWorkingCopy(notebook), { path: made.path, created: false, stale: true });
    assert.equal(fs.readFileSync(made.path, 'utf8'), '{ not json');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("git ignores the evaluation notebook's working copy", (t) => {
  const root = findProjectRoot(__dirname);
  const copy = path.relative(root, workingCopyPath(path.join(root, 'notebooks', 'evaluation_5T.ipynb')));
  const check = spawnSync('git', ['check-ignore', '--quiet', copy], { cwd: root });
  if (check.error || check.status === 128) {
    t.skip('not a git checkout, or no git');
    return;
  }
  assert.equal(check.status, 0, `${copy} is ignored by git`);
});
