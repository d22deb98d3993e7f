/**
 * Plotly figure specs as plain data, and Plotly's typed-array encoding of numbers
 * (`{dtype, bdata, shape}`, decoded by plotly.js 2.28+): what every figure module builds on.
 */
/** One Plotly trace (scatter, heatmap, bar...): a plain JSON object. */
export type PlotlyTrace = Record<string, unknown>;

/** A complete Plotly figure: what `Plotly.newPlot(div, data, layout, config)` takes. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** Plotly's typed-array encoding: base64 bytes, element type and (for 2-D) a `"rows,cols"` shape. */
export interface TypedArraySpec {
  readonly dtype: 'f4' | 'f8' | 'u1' | 'u2' | 'u4' | 'i4';
  readonly bdata: string;
  /** A STRING `"rows,cols"`: plotly.js silently hides a heatmap whose shape is an array. */
  readonly shape?: string;
}

/** Encodes numbers as a Plotly typed-array spec (little-endian bytes in base64). */
export function typedArraySpec(
  values: Float32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array | Int32Array,
  shape?: readonly [number, number],
): TypedArraySpec {
  const dtype: TypedArraySpec['dtype'] =
    values instanceof Float32Array
      ? 'f4'
      : values instanceof Float64Array
        ? 'f8'
        : values instanceof Uint8Array
          ? 'u1'
          : values instanceof Uint16Array
            ? 'u2'
            : values instanceof Uint32Array
              ? 'u4'
              : 'i4';
  const bdata = Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
  return shape ? { dtype, bdata, shape: `${shape[0]},${shape[1]}` } : { dtype, bdata };
}

/**
 * The smallest exact typed-array spec of a series: `u1`, `u2` or `i4` when every value is an integer
 * in range (counts, flags, most sums: 1–2 bytes a point instead of 4), else `f4` (gaps as NaN).
 * Plotly draws and hovers the same numbers either way.
 */
export function compactTypedArraySpec(values: ArrayLike<number>, shape?: readonly [number, number]): TypedArraySpec {
  let integers = true;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) {
      integers = false;
      break;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (integers && values.length > 0) {
    if (lo >= 0 && hi <= 0xff) return typedArraySpec(Uint8Array.from(values), shape);
    if (lo >= 0 && hi <= 0xffff) return typedArraySpec(Uint16Array.from(values), shape);
    if (lo >= -0x80000000 && hi <= 0x7fffffff) return typedArraySpec(Int32Array.from(values), shape);
  }
  return typedArraySpec(Float32Array.from(values), shape);
}

/** Decodes a Plotly typed-array spec back to numbers (for tests and tools). */
export function decodeTypedArray(spec: TypedArraySpec): Float64Array {
  const bytes = Buffer.from(spec.bdata, 'base64');
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const Ctor = { f4: Float32Array, f8: Float64Array, u1: Uint8Array, u2: Uint16Array, u4: Uint32Array, i4: Int32Array }[
    spec.dtype
  ];
  return Float64Array.from(new Ctor(buffer));
}

/** Layout keys of a figure's cartesian axes (`xaxis`, `yaxis3`...). */
export const AXIS_KEY = /^[xy]axis\d*$/;

/**
 * The layout with every cartesian axis drawing its tick labels unchecked (`ticklabeloverflow:
 * 'allow'`). Plotly's default for date and linear axes, 'hide past div', measures each label's box
 * after drawing it, one forced browser layout per label; in JupyterLab, where jupyterlab-plotly
 * draws every figure stored as Plotly JSON before it shows the first, that was ~14% of the drawing. Our
 * margins keep every label inside its figure (tests/briefing.test.ts measures it at 1,024–1,920
 * px), so nothing was hidden there and nothing changes on screen. Mutates and returns `layout`.
 */
export function uncheckedTickLabels<T extends Record<string, unknown>>(layout: T): T {
  for (const key of Object.keys(layout)) {
    const axis = layout[key];
    if (AXIS_KEY.test(key) && axis && typeof axis === 'object')
      (axis as Record<string, unknown>).ticklabeloverflow = 'allow';
  }
  return layout;
}
