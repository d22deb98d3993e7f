/**
 * Reader defects the mutation test (tests/mutation.test.ts) found, each pinned by a direct test:
 * a long digit run before a bad byte took quadratic time in the cell regex; a cell quoted twice was
 * read as a number; field counts in messages counted the tabs inside a quoted index.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluateFull, readTable } from '../lib/loaders';
import { parseCellText } from '../lib/reader/tsv';
import { InputError } from '../lib/types';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reader-defects-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const HEADER = "\t('avg_Length', 'avg_2019-02-01 09:35:00')\t('avg_Length', 'avg_2019-02-01 09:40:00')\n";

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

async function refusal(file: string): Promise<InputError[]> {
  const errors: InputError[] = [];
  for (const read of [
    () => readTable(file),
    () => evaluateFull(file, { exclude: new Set(), sampleSize: 1, seed: 1 }),
  ]) {
    await assert.rejects(read(), (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      errors.push(error);
      return true;
    });
  }
  return errors;
}

// Before the fix this test hung for minutes: `\d+\.?\d*` tries every split of a digit run (64,000 digits: 13 s).
test('a cell of 300,000 digits and a bad byte is refused, not matched in quadratic time', async () => {
  const digits = '7'.repeat(300_000);
  assert.equal(parseCellText(`${digits}x`), undefined);
  assert.equal(parseCellText(`${digits}.5`), Number(`${digits}.5`));
  const file = write('long-digits.tsv', `${HEADER}1.2.3.4source\t${digits}x\t0.0\n`);
  for (const error of await refusal(file)) {
    assert.deepEqual(error.position, { file, line: 2, column: 2 });
    assert.match(error.message, /cell "7{60}…" in column 2 .* is not a number/);
  }
});

test('a cell is unquoted once, as Python\'s csv reads it: """1""" is the text "1", not a number', async () => {
  assert.equal(parseCellText('"1.5"'), 1.5);
  assert.ok(Number.isNaN(parseCellText('""')!));
  assert.equal(parseCellText('"-inf"'), -Infinity);
  assert.equal(parseCellText('"""1"""'), undefined);
  assert.equal(parseCellText('""""'), undefined);
  const file = write('quoted-twice.tsv', `${HEADER}1.2.3.4source\t"1.5"\t"""1"""\n`);
  for (const error of await refusal(file)) {
    assert.deepEqual(error.position, { file, line: 2, column: 3 });
    assert.match(error.message, /cell "\\"\\"\\"1\\"\\"\\"" in column 3 .* is not a number/);
  }
});

test('field counts in messages do not count the tabs inside a quoted index', async () => {
  const many = write('many.tsv', `${HEADER}"a\tb source"\t1\t2\t3\n`);
  for (const error of await refusal(many)) {
    assert.deepEqual(error.position, { file: many, line: 2, column: 4 });
    assert.match(error.message, /row has 4 fields, expected 3/);
  }
  const few = write('few.tsv', `${HEADER}1.2.3.4source\t1\t2\n"x\t1\t2 dst"\n`);
  const [whole, streamed] = await refusal(few);
  assert.deepEqual(whole.position, { file: few, line: 3, column: 2 });
  assert.match(whole.message, /row has 1 field, expected 3/);
  assert.deepEqual(streamed.position, whole.position);
  assert.equal(streamed.message, whole.message);
});
