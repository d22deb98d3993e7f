/**
 * Number formatting exactly as pandas `to_csv` writes float64 and int64 cells, so generated files
 * are byte-compatible with what the original pandas pipeline produced.
 */

/**
 * Python's `repr(float)`: the shortest digits that round-trip (the same digits JavaScript picks),
 * laid out the Python way: fixed notation with a trailing `.0` for integral values when the decimal
 * exponent is in [-5, 16), otherwise `d.ddde±XX` with at least two exponent digits
 * (`1e-05`, `1.5e+16`). Non-finite values print as `inf`, `-inf`, `nan`; `-0` as `-0.0`.
 * (pandas writes NaN as an empty cell; see {@link pandasFloatCell}.)
 */
export function pythonFloatRepr(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  // toExponential() without an argument yields the shortest round-trip digits.
  const exp = x.toExponential();
  const ePos = exp.indexOf('e');
  const negative = exp.charCodeAt(0) === 45; // '-'
  const mantissa = exp.slice(negative ? 1 : 0, ePos);
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  const e = Number(exp.slice(ePos + 1));
  const sign = negative ? '-' : '';
  if (e < -4 || e >= 16) {
    const absE = Math.abs(e);
    return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${absE < 10 ? '0' : ''}${absE}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return `${sign}${digits}${'0'.repeat(e + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

/** A float64 cell as pandas `to_csv` writes it: `repr(float)`, NaN as the empty string. */
export function pandasFloatCell(x: number): string {
  return Number.isNaN(x) ? '' : pythonFloatRepr(x);
}
