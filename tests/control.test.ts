/**
 * Control characters are refused where pandas would read them otherwise (a NUL cuts a label) and a
 * report would hide them: in index labels, cells and headers, by every reader, with file, line,
 * column and the character named. Tab and a CR ending a line stay accepted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluateFull, readTable } from '../lib/loaders';
import { readHeader } from '../lib/reader/table-head';
import { controlCharacterName } from '../lib/reader/control';
import { InputError } from '../lib/types';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'control-test-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const H1 = "('avg_Length', 'avg_2019-02-01 09:35:00')";
const H2 = "('avg_Length', 'avg_2019-02-01 09:40:00')";

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, Buffer.from(text, 'latin1'));
  return file;
}

const readers: Array<[string, (file: string) => Promise<unknown>]> = [
  ['readTable', (f) => readTable(f)],
  ['readTable 2 threads', (f) => readTable(f, { workers: 2 })],
  ['evaluateFull', (f) => evaluateFull(f, { exclude: new Set(), sampleSize: 1, seed: 1 })],
  ['evaluateFull 2 threads', (f) => evaluateFull(f, { exclude: new Set(), sampleSize: 1, seed: 1, workers: 2 })],
];

/** Rows before the damaged one, so that a two-thread read places it in the second range. */
const FILLER = Array.from({ length: 40 }, (_, i) => `10.0.0.${i}source\t${i}.5\t0.0\n`).join('');

const CASES: Array<[string, string, { line: number; column: number }, RegExp]> = [
  [
    'NUL in a label',
    `\t${H1}\t${H2}\n${FILLER}1.2.3.4\x00source\t1.0\t2.0\n`,
    { line: 42, column: 1 },
    /index value "1\.2\.3\.4\\u0000source" holds a control character, NUL byte \(0x00\), at character 8/,
  ],
  [
    'NUL in a quoted label',
    `\t${H1}\t${H2}\n${FILLER}"1.2\x00"".4source"\t1.0\t2.0\n`,
    { line: 42, column: 1 },
    /NUL byte \(0x00\), at character 4/,
  ],
  [
    'ESC in a cell',
    `\t${H1}\t${H2}\n${FILLER}1.2.3.4source\t1.0\x1b[31m\t2.0\n`,
    { line: 42, column: 2 },
    /cell "1\.0\\u001b\[31m" in column 2 \(\(.avg_Length', 'avg_2019-02-01 09:35:00'\)\) holds a control character, ESC byte \(0x1B\), at character 4/,
  ],
  [
    'NUL as a whole last cell',
    `\t${H1}\t${H2}\n${FILLER}1.2.3.4source\t1.0\t\x00\n`,
    { line: 42, column: 3 },
    /NUL byte \(0x00\), at character 1/,
  ],
  [
    'a lone CR inside a cell',
    `\t${H1}\t${H2}\n${FILLER}1.2.3.4source\t1\r2\t2.0\n`,
    { line: 42, column: 2 },
    /CR byte \(0x0D\) not directly before a line feed, at character 2/,
  ],
  [
    'CR CR LF at a line end',
    `\t${H1}\t${H2}\r\n${FILLER}1.2.3.4source\t1.0\t2.0\r\r\n`,
    { line: 42, column: 3 },
    /CR byte \(0x0D\)/,
  ],
  [
    'a lone CR ending a label',
    `\t${H1}\t${H2}\n${FILLER}1.2.3.4source\r\t1.0\t2.0\n`,
    { line: 42, column: 1 },
    /CR byte \(0x0D\).*at character 14/,
  ],
  [
    'DEL in a label',
    `\t${H1}\t${H2}\n${FILLER}1.2.3.4\x7fdst\t1.0\t2.0\n`,
    { line: 42, column: 1 },
    /"1\.2\.3\.4\\u007fdst" holds a control character, DEL byte \(0x7F\)/,
  ],
  [
    'a form feed in the header',
    `\t${H1}\t${H2}\x0c\n${FILLER}`,
    { line: 1, column: 3 },
    /header field .* holds a control character, FF byte \(0x0C\), at character 42/,
  ],
  [
    'NUL in the index header',
    `ip\x00\t${H1}\t${H2}\n${FILLER}`,
    { line: 1, column: 1 },
    /header field "ip\\u0000" holds a control character, NUL byte/,
  ],
];

for (const [what, text, position, pattern] of CASES) {
  test(`refused: ${what}, at ${position.line}:${position.column}`, async () => {
    const file = write(`${what.replace(/\W+/g, '-')}.tsv`, text);
    const all =
      position.line === 1
        ? [...readers, ['readHeader', (f: string) => readHeader(f)] as [string, (f: string) => Promise<unknown>]]
        : readers;
    for (const [reader, read] of all) {
      await assert.rejects(read(file), (error: unknown) => {
        assert.ok(error instanceof InputError, `${reader}: ${String(error)}`);
        assert.deepEqual(error.position, { file, ...position }, `${reader}: ${error.message}`);
        assert.ok(error.message.startsWith(`${file}:${position.line}:${position.column}: `), error.message);
        assert.match(error.message, pattern, reader);
        return true;
      });
    }
  });
}

test('tab inside a quoted label, CR LF line ends and a CR ending the file are accepted', async () => {
  const file = write('fine.tsv', `\t${H1}\t${H2}\r\n"tab\there source"\t1.0\t2.0\r\n\r\n1.2.3.4dst\t\t-0.0\r`);
  for (const [reader, read] of readers) {
    const result = await read(file);
    const index = 'index' in (result as object) ? (result as { index: string[] }).index : undefined;
    if (index) assert.deepEqual(index, ['tab\there source', '1.2.3.4dst'], reader);
    else assert.equal((result as { rows: number }).rows, 2, reader);
  }
});

test('a long value is shown around its control character', async () => {
  const label = `${'x'.repeat(200)}\x1b${'y'.repeat(200)}source`;
  const file = write('long-label.tsv', `\t${H1}\t${H2}\n${label}\t1.0\t2.0\n`);
  await assert.rejects(readTable(file), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(
      error.message,
      /index value "…x{30}\\u001by{29}…" holds a control character, ESC byte \(0x1B\), at character 201;/,
    );
    return true;
  });
});

test('control characters are named as ASCII names them, with their code', () => {
  assert.equal(controlCharacterName(0), 'NUL byte (0x00)');
  assert.equal(controlCharacterName(0x1b), 'ESC byte (0x1B)');
  assert.equal(controlCharacterName(0x1f), 'US byte (0x1F)');
  assert.equal(controlCharacterName(0x7f), 'DEL byte (0x7F)');
  assert.equal(controlCharacterName(13), 'CR byte (0x0D) not directly before a line feed');
});
