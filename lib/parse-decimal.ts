/**
 * Exact decimal-to-double conversion straight from bytes, for the table reader's hot loop: every
 * result equals `Number(text)` bit for bit. Digits are read four or eight at a time (SWAR on 32-bit
 * words), the significand is kept exactly (up to 16 digits in one double, up to 15 more beside it),
 * and the value is rounded by the cheapest method that is provably exact for it:
 *
 * - Clinger's fast path: a significand below 2^53 times or divided by an exact power of ten
 *   (10^0..10^22) is one correctly rounded IEEE operation.
 * - Longer significands with a power of ten up to 10^±22: an error-free double-double product
 *   or quotient (Dekker's splitting, no FMA needed), whose tiny remainder tells on which side of
 *   the rounding midpoint the exact value lies. Within 2^-37 ulp of a midpoint the remainder
 *   cannot decide, and the value goes to `Number()`: the same approximate-then-verify scheme as
 *   Eisel–Lemire, with a double-double instead of a 128-bit product.
 * - Anything else (more than 31 significant digits with a non-zero tail, exponents beyond what the
 *   exact paths cover, subnormal results): `Number()` on the cell's text.
 *
 * Python's `repr` writes at most 17 significant digits, so on tables written by pandas the slow
 * path is taken only for tiny or huge exponents and for the rare near-midpoint values.
 */

/** Exact powers of ten (10^0 .. 10^22 are exactly representable as doubles). */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const SPLITTER = 134217729; // 2^27 + 1, Dekker's split constant
/** High and low 26-bit halves of each exact power of ten, for exact products (Dekker). */
const POW10_HI = new Float64Array(23);
const POW10_LO = new Float64Array(23);
for (let k = 0; k < 23; k++) {
  const c = SPLITTER * POW10[k];
  POW10_HI[k] = c - (c - POW10[k]);
  POW10_LO[k] = POW10[k] - POW10_HI[k];
}
const TWO53 = 9007199254740992;
/** `HI_LIMIT[k]`: below it, `hi * 10^k + (10^k - 1) < 2^53`: k more digits fit the exact significand. */
const HI_LIMIT = Float64Array.from({ length: 9 }, (_, k) =>
  Number((2n ** 53n - 10n ** BigInt(k)) / 10n ** BigInt(k) + 1n),
);
const HI_LIMIT_1 = HI_LIMIT[1];
/** Digits kept beside the exact significand: `lo` < 10^15 < 2^53 stays exact. */
const MAX_WIDE = 15;

/** 2^-90: a bound, with a wide margin, on the relative error of the double-double results. */
const EPSILON_90 = 2 ** -90;

/**
 * 0x80 in each byte of a little-endian 32-bit word that is not an ASCII digit; 0 when all four are.
 * Bytes after the first non-digit may be flagged wrongly (a carry): only the lowest flag counts.
 */
function nonDigits(word: number): number {
  const x = word ^ 0x30303030; // digits become 0..9
  return ((x + 0x76767676) | x) & 0x80808080;
}

/** Index (0..3) of the lowest flagged byte of a non-zero `nonDigits` mask. */
function firstFlagged(mask: number): number {
  return (31 - Math.clz32(mask & -mask)) >> 3;
}

/** The value of four ASCII digits in a little-endian 32-bit word (first digit in the low byte). */
function digitsValue(word: number): number {
  let v = word & 0x0f0f0f0f;
  v = (Math.imul(v, 10) + (v >>> 8)) & 0x00ff00ff;
  return (Math.imul(v, 100) + (v >>> 16)) & 0x3fff;
}

/**
 * The double nearest to `(hi * 10^r + lo) * 10^exp10` (hi, lo < 2^53, r ≤ 15, |exp10| ≤ 22),
 * via error-free double-double arithmetic, into `out[0]`; false when the result sits so close
 * to a rounding midpoint that only an exact computation can decide (the caller then uses `Number()`).
 * `hi` and `lo` come in `out[1]` and `out[2]` (doubles passed to a call that is not inlined are boxed).
 */
function roundWide(out: Float64Array, r: number, exp10: number): boolean {
  const hi = out[1];
  const lo = out[2];
  // m = hi * 10^r + lo exactly, as mh + ml (error far below 2^-100 relative).
  const p = hi * POW10[r];
  let c = SPLITTER * hi;
  const ah = c - (c - hi);
  const al = hi - ah;
  const pe = ah * POW10_HI[r] - p + ah * POW10_LO[r] + al * POW10_HI[r] + al * POW10_LO[r];
  const mh = p + lo;
  const bv = mh - p;
  const ml = p - (mh - bv) + (lo - bv) + pe;
  let s: number;
  let t: number;
  if (exp10 >= 0) {
    const k = exp10;
    const q = mh * POW10[k];
    c = SPLITTER * mh;
    const hh = c - (c - mh);
    const hl = mh - hh;
    const qe = hh * POW10_HI[k] - q + hh * POW10_LO[k] + hl * POW10_HI[k] + hl * POW10_LO[k];
    const q2 = qe + ml * POW10[k];
    s = q + q2;
    t = q2 - (s - q);
  } else {
    const k = -exp10;
    const d = POW10[k];
    const q1 = mh / d;
    c = SPLITTER * q1;
    const qh = c - (c - q1);
    const ql = q1 - qh;
    const ph = q1 * d;
    const pl = qh * POW10_HI[k] - ph + qh * POW10_LO[k] + ql * POW10_HI[k] + ql * POW10_LO[k];
    const rem = mh - ph - pl + ml;
    const q2 = rem / d;
    s = q1 + q2;
    const sv = s - q1;
    t = q1 - (s - sv) + (q2 - sv);
  }
  out[0] = s;
  // s + t is within 2^-100 |s| of the exact value (Dekker products, TwoSum, one rounding of
  // terms already ~2^-52 smaller). Rounding is monotonic, so if s + t nudged by 2^-90 |s| either way
  // still rounds to s, so does the exact value; otherwise it lies within a hair of a midpoint.
  const e = Math.abs(s) * EPSILON_90;
  return s + (t + e) === s && s + (t - e) === s;
}

/**
 * An exact decimal scanner with its own state (one per thread, or per reader): the value of the
 * last number read, scratch room for its significand, and a word view of the last buffer scanned.
 */
export class DecimalScanner {
  /**
   * `value[0]`: the value the last `scan` read (a typed array, not a return value: the scanner is
   * too big to be inlined, and a double returned from a call is boxed, one heap allocation per cell).
   * `value[1..2]`: scratch (the significand's two halves on the slow paths); `value[3]`: the
   * exponent {@link readExponent} read.
   */
  readonly value = new Float64Array(4);
  private viewOf: Uint8Array | undefined;
  private view = new DataView(new ArrayBuffer(8));

  /**
   * Reads a plain decimal (`[+-]digits[.digits][(e|E)[+-]digits]`, or `.digits`) starting at `buf[p]`:
   * puts its value, equal to `Number(text)` bit for bit, in `value[0]` and returns the position
   * of the first byte after it, or -1 when there is no decimal there. The byte after the number is
   * not checked: the caller decides what may follow. `buf` must hold a non-number byte after the
   * number (a line terminator at the latest).
   *
   * Digits are taken eight at a time from two 32-bit words: a full run of eight is one step; a shorter
   * run is measured by the first non-digit byte and its digits shifted into place, so a cell costs a
   * few steps whatever its length, with few data-dependent branches.
   */
  scan(buf: Uint8Array, p: number): number {
    const out = this.value;
    const start = p;
    if (p + 32 > buf.length) return scanDecimalBytes(buf, p, out);
    let view = this.view;
    if (buf !== this.viewOf) {
      this.viewOf = buf;
      this.view = view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const last8 = buf.length - 8;
    let b = buf[p];
    let negative = false;
    if (b === 45 /* - */ || b === 43 /* + */) {
      negative = b === 45;
      p++;
    }
    // The significand, exactly: hi * 10^wide + lo, with hi < 2^53 and lo < 10^wide (wide ≤ 15);
    // `scale` the power of ten it is multiplied by; `inexact` when non-zero digits beyond were dropped.
    let hi = 0;
    let lo = 0;
    let wide = 0;
    let scale = 0;
    let inexact = false;
    let inFraction = 0; // 1 once past the decimal point: stored digits then lower the scale
    let digits = 0;
    for (;;) {
      if (p > last8) return scanDecimalBytes(buf, start, out);
      const word = view.getInt32(p, true);
      const flags = nonDigits(word);
      let k: number;
      let chunk: number;
      // The first k bytes are digits; shifting the word left drops the rest (k = 0 gives 0).
      if (flags !== 0) {
        k = firstFlagged(flags);
        chunk = digitsValue((word << (24 - 8 * k)) << 8);
      } else {
        const next = view.getInt32(p + 4, true);
        const nextFlags = nonDigits(next);
        if (nextFlags === 0) {
          k = 8;
          chunk = digitsValue(word) * 10000 + digitsValue(next);
        } else {
          k = 4 + firstFlagged(nextFlags);
          chunk = digitsValue(word) * POW10[k - 4] + digitsValue((next << (56 - 8 * k)) << 8);
        }
      }
      if (wide === 0 && hi < HI_LIMIT[k]) {
        hi = hi * POW10[k] + chunk;
        scale -= k * inFraction;
      } else if (wide + k <= MAX_WIDE) {
        lo = lo * POW10[k] + chunk;
        wide += k;
        scale -= k * inFraction;
      } else {
        if (chunk !== 0) inexact = true;
        scale += k * (1 - inFraction);
      }
      digits += k;
      p += k;
      if (k === 8) continue;
      if (inFraction === 0 && buf[p] === 46 /* . */) {
        inFraction = 1;
        p++;
        continue;
      }
      break;
    }
    if (digits === 0) return -1;
    b = buf[p];
    if (b === 101 /* e */ || b === 69 /* E */) {
      p = readExponent(buf, p, out);
      if (p < 0) return -1;
      scale += out[EXPONENT_SLOT];
    }
    if (!inexact && scale <= 0 && scale >= -22) {
      // The commonest case, inline: a significand below 2^53 over an exact power of ten (Clinger).
      const m = wide === 0 ? hi : hi * POW10[wide] + lo;
      if (m < TWO53) {
        const value = m / POW10[-scale];
        out[0] = negative ? -value : value;
        return p;
      }
    }
    out[1] = hi;
    out[2] = lo;
    if (!settle(out, negative, wide, scale, inexact)) out[0] = numberOfText(buf, start, p);
    return p;
  }
}

/** The value slot where {@link readExponent} leaves the exponent it read. */
const EXPONENT_SLOT = 3;

/**
 * Reads the exponent of a decimal, `(e|E)[+-]digits` with the `e` at `buf[p]`: leaves its signed
 * value (the digits' magnitude capped at 100000, beyond any double's range) in
 * `out[EXPONENT_SLOT]` and returns the position after its last digit, or -1 when no digit follows.
 * Shared by the word-at-a-time scanner and the byte-at-a-time tail; exponents are rare, so the call
 * costs nothing measurable.
 */
function readExponent(buf: Uint8Array, p: number, out: Float64Array): number {
  let q = p + 1;
  let negative = false;
  if (buf[q] === 45 /* - */ || buf[q] === 43 /* + */) negative = buf[q++] === 45;
  let d = buf[q] - 48;
  if (!(d >= 0 && d <= 9)) return -1;
  let exponent = 0;
  while (d >= 0 && d <= 9) {
    if (exponent < 100000) exponent = exponent * 10 + d;
    d = buf[++q] - 48;
  }
  out[EXPONENT_SLOT] = negative ? -exponent : exponent;
  return q;
}

/** `scanDecimal` one byte at a time: near the end of the buffer, where two words cannot be read. */
function scanDecimalBytes(buf: Uint8Array, p: number, out: Float64Array): number {
  const start = p;
  let b = buf[p];
  let negative = false;
  if (b === 45 /* - */ || b === 43 /* + */) {
    negative = b === 45;
    b = buf[++p];
  }
  let hi = 0;
  let lo = 0;
  let wide = 0;
  let scale = 0;
  let inexact = false;
  let digits = 0;
  let fraction = false;
  for (;;) {
    const d = buf[p] - 48;
    if (d >= 0 && d <= 9) {
      if (wide === 0 && hi < HI_LIMIT_1) {
        hi = hi * 10 + d;
        if (fraction) scale--;
      } else if (wide < MAX_WIDE) {
        lo = lo * 10 + d;
        wide++;
        if (fraction) scale--;
      } else {
        if (d !== 0) inexact = true;
        if (!fraction) scale++;
      }
      digits++;
      p++;
    } else if (!fraction && d === 46 - 48) {
      fraction = true;
      p++;
    } else break;
  }
  if (digits === 0) return -1;
  b = buf[p];
  if (b === 101 /* e */ || b === 69 /* E */) {
    p = readExponent(buf, p, out);
    if (p < 0) return -1;
    scale += out[EXPONENT_SLOT];
  }
  out[1] = hi;
  out[2] = lo;
  if (!settle(out, negative, wide, scale, inexact)) out[0] = numberOfText(buf, start, p);
  return p;
}

/**
 * Rounds the significand `out[1] * 10^wide + out[2]` times 10^scale into `out[0]` by an exact fast method; false when none applies (more significant digits than
 * kept and not all zeros, an exponent out of the exact range, or too close to a rounding midpoint).
 */
function settle(out: Float64Array, negative: boolean, wide: number, scale: number, inexact: boolean): boolean {
  if (inexact) return false;
  const hi = out[1];
  let m = hi;
  if (wide > 0) {
    m = hi * POW10[wide] + out[2];
    if (m >= TWO53) m = -1; // not exact in one double: the double-double path below
  }
  let value: number;
  if (m === 0) value = 0;
  else if (m > 0) {
    // Clinger: m < 2^53 and an exact power of ten, one correctly rounded operation.
    if (scale >= 0) {
      if (scale <= 22) value = m * POW10[scale];
      else if (scale <= 37 && m * POW10[scale - 22] < TWO53) value = m * POW10[scale - 22] * POW10[22];
      else return false;
    } else if (scale >= -22) value = m / POW10[-scale];
    else return false;
  } else if (scale >= -22 && scale <= 22 && roundWide(out, wide, scale)) value = out[0];
  else return false;
  out[0] = negative ? -value : value;
  return true;
}

/** `Number()` of the bytes `buf[start..end)`: the slow path for what no exact fast method covers. */
function numberOfText(buf: Uint8Array, start: number, end: number): number {
  return Number(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1'));
}
