/**
 * Several figures as one, a dropdown choosing which is shown: one output instead of one per
 * figure, for a series of figures a reader looks at one at a time (the profiles of the special
 * IPs). A pure Plotly spec: Plotly's own `updatemenus`, so it works wherever the figure is drawn
 * (JupyterLab's Plotly renderer, the HTML twin, the page).
 */
import { AXIS_KEY, type PlotlyFigure, type PlotlyTrace } from './spec';

/** One figure of a picker and its name in the dropdown (plain text: it is escaped here). */
export interface FigureChoice {
  readonly label: string;
  readonly figure: PlotlyFigure;
}

/** Escapes the characters Plotly's text markup reads (`<`, `>`, `&`) in a dropdown label. */
function plainLabel(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * One figure holding every choice's traces, the first choice's shown, and a dropdown (top right)
 * that shows another: its traces become visible, the others hidden (Plotly neither computes nor
 * draws hidden traces), and the layout becomes that choice's (title, height, axes, annotations,
 * shapes...). An axis one choice has and the shown one lacks is hidden and shrunk to a corner, so
 * it neither draws nor catches the pointer. Each trace keeps its name (an IP's line is named by its
 * label). One choice: its figure as it is.
 */
export function figurePicker(choices: readonly FigureChoice[]): PlotlyFigure {
  if (choices.length === 0) throw new Error('figurePicker: no figure to choose from');
  if (choices.length === 1) return choices[0].figure;
  const data: PlotlyTrace[] = [];
  const owner: number[] = [];
  const ownVisible: unknown[] = [];
  choices.forEach((choice, k) => {
    for (const trace of choice.figure.data) {
      data.push(k === 0 ? trace : { ...trace, visible: false });
      owner.push(k);
      ownVisible.push(trace.visible ?? true);
    }
  });
  const keys = [...new Set(choices.flatMap((c) => Object.keys(c.figure.layout)))].filter((k) => k !== 'updatemenus');
  const hiddenAxis = { visible: false, domain: [0, 0.001], fixedrange: true };
  const layoutOf = (figure: PlotlyFigure): Record<string, unknown> =>
    Object.fromEntries(
      keys.map((key) => [
        key,
        figure.layout[key] ?? (AXIS_KEY.test(key) ? hiddenAxis : key === 'shapes' || key === 'annotations' ? [] : null),
      ]),
    );
  const buttons = choices.map((choice, k) => ({
    method: 'update',
    label: plainLabel(choice.label),
    args: [{ visible: owner.map((o, i) => (o === k ? ownVisible[i] : false)) }, layoutOf(choice.figure)],
  }));
  const first = layoutOf(choices[0].figure);
  const layout: Record<string, unknown> = Object.fromEntries(Object.entries(first).filter(([, v]) => v !== null));
  layout.updatemenus = [
    {
      type: 'dropdown',
      direction: 'down',
      active: 0,
      showactive: true,
      x: 1,
      xanchor: 'right',
      y: 1,
      yanchor: 'bottom',
      pad: { b: 36 },
      font: { size: 11 },
      bgcolor: '#ffffff',
      bordercolor: '#888888',
      buttons,
    },
  ];
  return { data, layout, config: choices[0].figure.config };
}
