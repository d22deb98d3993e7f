/**
 * The figures stored in HTML, read back from their twins' inert specs (gzip+base64 or plain JSON),
 * here apart from the library's own browser code: for tests that ask what a notebook or page holds.
 */
import { gunzipSync } from 'node:zlib';
import type { PlotlyFigure } from '../lib/figures/spec';
import { PLOTLY_MIME } from '../lib/notebook/display';

const SPEC =
  /<script type="application\/(?:octet-stream" data-encoding="gzip-base64"|json") data-anomaly-eval-spec="([0-9a-f]+)">([^<]*)<\/script>/g;

/** Each twin's figure id and spec, in document order. */
export function twinSpecs(html: string): [string, PlotlyFigure][] {
  return [...html.matchAll(SPEC)].map(([tag, id, text]) => {
    const json = tag.includes('gzip-base64') ? gunzipSync(Buffer.from(text, 'base64')).toString('utf8') : text;
    return [id, JSON.parse(json) as PlotlyFigure];
  });
}

/** Whether a display output's HTML holds a figure twin. */
export function holdsTwin(html: string): boolean {
  return html.includes('data-anomaly-eval-figure=');
}

/** A notebook output's text/html as one string (an .ipynb may store it as a list of lines); '' when it has none. */
export function outputHtml(data: Record<string, unknown> | undefined): string {
  const html = data?.['text/html'];
  return Array.isArray(html) ? html.join('') : String(html ?? '');
}

/** Whether a notebook output's data holds a figure: a twin, or a Plotly JSON (`plotlyJson: true`). */
export function isFigureOutput(data: Record<string, unknown> | undefined): boolean {
  return data !== undefined && (holdsTwin(outputHtml(data)) || PLOTLY_MIME in data);
}
