/**
 * Exact decimal-to-double conversion straight from bytes, for the table reader's hot loop: every
 * result equals `Number(text)` bit for bit. The conversion itself is WebAssembly
 * (lib/reader/wasm/decimal.wat, compiled to dist/lib/reader/wasm/decimal.wasm by `npm run build`): digits eight
 * at a time, Eisel–Lemire rounding with 64-bit integers. This module owns its memory: the tables it
 * needs, a line's bytes copied in, the values and the list of cells it left to `Number()`.
 *
 * What the WebAssembly leaves (more than 19 significant digits with a non-zero tail, subnormal or
 * infinite results, exponents beyond 10^±342, and the rare products it cannot decide) is converted
 * by `Number()` on the cell's text, so the result is exact whatever the input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Byte offsets of the tables in the module's memory (fixed by lib/reader/wasm/decimal.wat). */
const POWERS = 0;
const TENS = 10496;
const LIMITS = 10568;
/** Where the regions this module lays out start: values, fallback list, then the input bytes. */
const REGIONS = 16384;
/** Bytes the scanner may read past the last byte of its input (one 64-bit word, and a margin). */
const SLACK = 16;
const PAGE = 65536;

/** The exports of lib/reader/wasm/decimal.wat. */
interface DecimalExports {
  readonly memory: WebAssembly.Memory;
  readonly number: (p: number) => number;
  readonly cells: (p: number, end: number, n: number, out: number, fallback: number) => number;
  readonly value: WebAssembly.Global;
  readonly exact: WebAssembly.Global;
  readonly cellsRead: WebAssembly.Global;
  readonly fallbacks: WebAssembly.Global;
}

let compiled: WebAssembly.Module | undefined;
let tables: Uint8Array | undefined;

function decimalModule(): WebAssembly.Module {
  if (!compiled) {
    const file = path.join(__dirname, 'wasm', 'decimal.wasm');
    if (!fs.existsSync(file))
      throw new Error(`${file} is missing: run \`npm run build\` (it compiles lib/reader/wasm/decimal.wat)`);
    compiled = new WebAssembly.Module(fs.readFileSync(file));
  }
  return compiled;
}

/**
 * fast_float's table: for q = -342..308, the 128 most significant bits of 5^q (for q < 0, of its
 * reciprocal, rounded up), high 64 bits first; then 10^k and 10^(19-k) for k = 0..8.
 */
function tableBytes(): Uint8Array {
  if (tables) return tables;
  const words = new BigUint64Array((LIMITS + 9 * 8) / 8);
  const top = 1n << 128n;
  for (let q = -342; q <= 308; q++) {
    let c: bigint;
    if (q < 0) {
      const power = 5n ** BigInt(-q);
      const z = BigInt(power.toString(2).length); // the least z with 2^z > 5^-q
      c = (q >= -27 ? (1n << (z + 127n)) / power : (1n << (2n * z + 128n)) / power) + 1n;
      while (c >= top) c >>= 1n;
    } else {
      c = 5n ** BigInt(q);
      while (c < 1n << 127n) c <<= 1n;
      while (c >= top) c >>= 1n;
    }
    const at = (POWERS + (q + 342) * 16) / 8;
    words[at] = c >> 64n;
    words[at + 1] = c & ((1n << 64n) - 1n);
  }
  for (let k = 0; k <= 8; k++) {
    words[TENS / 8 + k] = 10n ** BigInt(k);
    words[LIMITS / 8 + k] = 10n ** BigInt(19 - k);
  }
  tables = new Uint8Array(words.buffer);
  return tables;
}

/** One instance of the module with the views on its memory, refreshed when the memory grows. */
class DecimalMachine {
  readonly exports: DecimalExports;
  bytes: Uint8Array;
  private capacity = 0;
  private inputCapacity = 0;
  readonly valuesAt = REGIONS;
  fallbackAt = REGIONS;
  inputAt = REGIONS;
  values = new Float64Array(0);
  fallback = new Int32Array(0);

  constructor() {
    this.exports = new WebAssembly.Instance(decimalModule(), {}).exports as unknown as DecimalExports;
    this.bytes = new Uint8Array(this.exports.memory.buffer);
    this.bytes.set(tableBytes());
    this.reserve(64, 4096);
  }

  /** Room for `cells` values (and as many fallbacks) and `input` bytes of input. */
  reserve(cells: number, input: number): void {
    if (cells <= this.capacity && input <= this.inputCapacity) return;
    const capacity = Math.max(cells, this.capacity);
    const inputCapacity = Math.max(input, this.inputCapacity);
    const fallbackAt = REGIONS + 8 * capacity;
    const inputAt = fallbackAt + 8 * capacity;
    const needed = inputAt + inputCapacity + SLACK;
    const memory = this.exports.memory;
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    this.capacity = capacity;
    this.inputCapacity = inputCapacity;
    this.fallbackAt = fallbackAt;
    this.inputAt = inputAt;
    this.bytes = new Uint8Array(memory.buffer);
    this.values = new Float64Array(memory.buffer, this.valuesAt, capacity);
    this.fallback = new Int32Array(memory.buffer, fallbackAt, 2 * capacity);
  }

  /** Copies `buf[start..end)` to the input region, followed by a zero byte and zeros. */
  load(buf: Uint8Array, start: number, end: number): void {
    const length = end - start;
    this.reserve(0, length + 1);
    this.bytes.set(buf.subarray(start, end), this.inputAt);
    this.bytes.fill(0, this.inputAt + length, this.inputAt + length + SLACK);
  }
}

function isNumberByte(b: number): boolean {
  return (b >= 48 && b <= 57) || b === 46 || b === 43 || b === 45 || b === 101 || b === 69;
}

/**
 * An exact decimal scanner with its own state (one per thread, or per reader): `value[0]` holds
 * the value of the last number `scan` read.
 */
export class DecimalScanner {
  readonly value = new Float64Array(1);
  private readonly machine = new DecimalMachine();

  /**
   * Reads a plain decimal (`[+-]digits[.digits][(e|E)[+-]digits]`, or `.digits`) starting at `buf[p]`:
   * puts its value, equal to `Number(text)` bit for bit, in `value[0]` and returns the position
   * of the first byte after it, or -1 when there is no decimal there. The byte after the number is
   * not checked: the caller decides what may follow.
   */
  scan(buf: Uint8Array, p: number): number {
    let end = p;
    while (end < buf.length && isNumberByte(buf[end])) end++;
    const machine = this.machine;
    machine.load(buf, p, end);
    const q = machine.exports.number(machine.inputAt);
    if (q < 0) return -1;
    const stop = p + (q - machine.inputAt);
    this.value[0] = machine.exports.exact.value
      ? machine.exports.value.value
      : Number(Buffer.from(buf.buffer, buf.byteOffset + p, stop - p).toString('latin1'));
    return stop;
  }
}

/**
 * A line's cells converted at once (one call into the WebAssembly a line, not one a cell): the
 * values of plain decimals, NaN for empty cells, and a list of the cells left to the caller (not
 * plain decimals, or not exactly convertible here), which are NaN until the caller sets them.
 */
export class DecimalCells {
  private readonly machine = new DecimalMachine();
  private lineStart = 0;

  /**
   * Converts the `n` tab-separated cells of `buf[start..end)` (`end` at the line's terminator).
   * Returns `end` when the line has exactly `n` cells, another position when it has more, and -1
   * when it has fewer ({@link cellsRead} then says how many).
   */
  read(buf: Uint8Array, start: number, end: number, n: number): number {
    const machine = this.machine;
    machine.reserve(n, end - start + 1);
    machine.load(buf, start, end);
    this.lineStart = start;
    const at = machine.inputAt;
    const reached = machine.exports.cells(at, at + (end - start), n, machine.valuesAt, machine.fallbackAt);
    return reached < 0 ? -1 : start + (reached - at);
  }

  /** The values of the last line read (the first `n` entries count; its view may change between lines). */
  get values(): Float64Array {
    return this.machine.values;
  }

  /** Cells of the last line read before it stopped. */
  get cellsRead(): number {
    return this.machine.exports.cellsRead.value;
  }

  /** How many cells of the last line were left to the caller, in line order. */
  get fallbacks(): number {
    return this.machine.exports.fallbacks.value;
  }

  /** The index (0-based, among the cells) of the `i`-th cell left to the caller. */
  fallbackCell(i: number): number {
    return this.machine.fallback[2 * i];
  }

  /** Where in `buf` the `i`-th cell left to the caller starts. */
  fallbackStart(i: number): number {
    return this.lineStart + (this.machine.fallback[2 * i + 1] - this.machine.inputAt);
  }
}
