/**
 * One figure of the surge replay: a uPlot chart of one quantity for both pages (or of the autopilot
 * morning's few lines), with its caption, a legend that tells the lines apart by colour and by dash
 * (Okabe–Ito blue, vermilion and bluish green, readable with every common colour-vision deficiency), the
 * sentence that says what it shows, and the figures minute by minute in a table for whoever cannot see
 * the chart.
 */
import uPlot from 'uplot';
import type { ReplayedPolicy, SurgeReplay } from '../../src/sim/surge-replay.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { element } from './surge-dom.js';
import { clockAt, clockSeconds, formatNumber, policyLabel } from './surge-text.js';

/** What a chart draws: per second from the clock's start, one series per line. */
export interface PlotData {
  clock: Pick<Scenario, 'startClock'>;
  seconds: number;
  lines: readonly { label: string; values: number[] }[];
  /** Charts with the same key show the cursor at the same second (the same morning's charts). */
  syncKey?: string;
}

export interface ChartSpec {
  /** Caption, also the start of the chart's accessible name. */
  caption: string;
  /** Y axis title, with its unit. */
  yLabel: string;
  /** Unit after a value in the legend and the table ("élèves"). */
  unit: string;
  /** How one minute of the series becomes one table cell (a level at the minute, or a mean). */
  perMinute: 'at' | 'mean';
  summary: string;
}

export interface PlotSpec extends ChartSpec {
  values: (policy: ReplayedPolicy) => number[];
}

export interface SurgePlot {
  readonly figure: HTMLElement;
  /** Show the first `seconds` seconds only (the replay animation); the full morning without argument. */
  show(seconds?: number): void;
  destroy(): void;
}

const STYLES = [
  { stroke: '#0072b2', width: 2.5, dash: undefined, swatchDash: '', said: 'trait plein bleu' },
  { stroke: '#d55e00', width: 2, dash: [9, 5], swatchDash: '7 4', said: 'tirets orange' },
  { stroke: '#009e73', width: 2, dash: [2, 4], swatchDash: '2 3', said: 'pointillés verts' },
] as const;
const INK = '#1b1b1b';
const GRID = '#e4e4e4';
const SYNC_KEY = 'surge-replay';

/** The surge replay's figure of one quantity, a line per page. */
export function createSurgePlot(replay: SurgeReplay, spec: PlotSpec, parent: HTMLElement): SurgePlot {
  const lines = replay.policies.map((p) => ({ label: policyLabel(p.name).short, values: spec.values(p) }));
  return createPlot({ clock: replay.scenario, seconds: replay.seconds, lines, syncKey: SYNC_KEY }, spec, parent);
}

/** Appends the figure to `parent`, then draws the chart at the width it gets there. */
export function createPlot(data: PlotData, spec: ChartSpec, parent: HTMLElement): SurgePlot {
  const { clock: scenario, seconds } = data;
  const x = Array.from({ length: seconds }, (_, s) => s);
  const ys = data.lines.map((line) => line.values);
  const yMax = niceCeiling(Math.max(1, ...ys.flat()));
  const labels = data.lines.map((line) => line.label);
  const span = `de ${clockAt(scenario, 0)} à ${clockAt(scenario, seconds - 1)}`;

  const legend = element('ul', { class: 'surge-legend' }, ...labels.map((label, i) => element('li', {}, swatch(i), label)));
  // The values under the mouse, over the chart's far side from the cursor: shown in the legend they would
  // wrap it and move the chart under the mouse.
  const readout = element('div', { class: 'surge-readout', hidden: '' });
  const canvasBox = element('div', {
    class: 'surge-canvas',
    role: 'img',
    // What the chart is; what it shows is the sentence and the table right after it, read in turn.
    'aria-label': `Graphique\u00a0: ${spec.caption.toLowerCase()} ${span}, ${labels.map((l, i) => `${l.toLowerCase()} en ${STYLES[i % STYLES.length].said}`).join(', ')}. Le résumé et les chiffres suivent.`,
  });
  const figure = element(
    'figure',
    { class: 'surge-plot', 'data-points': '0' },
    element('figcaption', {}, spec.caption),
    legend,
    canvasBox,
    element('p', { class: 'surge-summary' }, spec.summary),
    dataTable(data, spec, ys, labels),
  );
  parent.append(figure);

  const size = (): { width: number; height: number } => {
    const width = Math.max(200, Math.floor(canvasBox.clientWidth || 320));
    return { width, height: width < 480 ? 220 : 270 };
  };
  const axisFont = '12px system-ui, sans-serif';
  const labelFont = 'bold 12px system-ui, sans-serif';
  const plot = new uPlot(
    {
      ...size(),
      legend: { show: false },
      cursor: { ...(data.syncKey ? { sync: { key: data.syncKey } } : {}), drag: { x: false, y: false }, points: { size: 7 } },
      scales: { x: { time: false, range: [0, seconds - 1] }, y: { range: [0, yMax] } },
      axes: [
        {
          label: 'Heure (h min)',
          labelFont,
          labelSize: 20,
          font: axisFont,
          stroke: INK,
          grid: { stroke: GRID },
          ticks: { stroke: GRID },
          size: 34,
          incrs: [60, 120, 300, 600, 900, 1800],
          space: 64,
          // Ticks on round clock minutes (8 h 00, 8 h 05), not on multiples from the start (7 h 58, 8 h 03).
          splits: (_u, _axis, min, max, incr) => {
            const offset = clockSeconds(scenario);
            const ticks: number[] = [];
            for (let s = Math.ceil((offset + min) / incr) * incr - offset; s <= max; s += incr) ticks.push(s);
            return ticks;
          },
          values: (_u, splits) => splits.map((s) => clockAt(scenario, s)),
        },
        {
          label: spec.yLabel,
          labelFont,
          labelSize: 20,
          font: axisFont,
          stroke: INK,
          size: 52,
          grid: { stroke: GRID },
          ticks: { stroke: GRID },
          values: (_u, splits) => splits.map(formatNumber),
        },
      ],
      series: [
        {},
        ...labels.map((label, i) => {
          const style = STYLES[i % STYLES.length];
          return { label, stroke: style.stroke, width: style.width, dash: style.dash?.slice(), points: { show: false } };
        }),
      ],
      hooks: {
        setCursor: [
          (u: uPlot) => {
            const idx = u.cursor.idx;
            readout.hidden = idx == null || idx >= u.data[0].length;
            if (idx == null || readout.hidden) return;
            readout.replaceChildren(
              element('strong', {}, clockAt(scenario, idx, true)),
              ...labels.map((label, i) => element('span', {}, swatch(i), `${label}\u00a0: ${formatNumber(ys[i][idx])} ${spec.unit}`)),
            );
            readout.classList.toggle('surge-readout-left', (u.cursor.left ?? 0) > u.bbox.width / devicePixelRatio / 2);
          },
        ],
      },
    },
    [x, ...ys],
    canvasBox,
  );
  canvasBox.append(readout);
  const resize = new ResizeObserver(() => {
    const next = size();
    if (next.width !== plot.width || next.height !== plot.height) plot.setSize(next);
  });
  resize.observe(canvasBox);

  const show = (upTo = seconds): void => {
    const n = Math.max(1, Math.min(seconds, Math.round(upTo)));
    // Both scales have fixed ranges, so resetting them keeps the axes still while the lines grow.
    plot.setData([x.slice(0, n), ...ys.map((y) => y.slice(0, n))]);
    figure.dataset.points = String(n * ys.length);
  };
  show();
  return {
    figure,
    show,
    destroy: () => {
      resize.disconnect();
      plot.destroy();
    },
  };
}

/** A short line drawn like the series: colour and dash, so the legend works in greyscale too. */
function swatch(i: number): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'surge-swatch');
  svg.setAttribute('viewBox', '0 0 32 10');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS(ns, 'line');
  const style = STYLES[i % STYLES.length];
  for (const [k, v] of Object.entries({ x1: '1', y1: '5', x2: '31', y2: '5', stroke: style.stroke, 'stroke-width': '3' })) line.setAttribute(k, v);
  if (style.swatchDash) line.setAttribute('stroke-dasharray', style.swatchDash);
  svg.append(line);
  return svg;
}

/** The figures minute by minute: the chart's text alternative, open to everyone. */
function dataTable(data: PlotData, spec: ChartSpec, ys: number[][], labels: string[]): HTMLElement {
  const rows: HTMLTableRowElement[] = [];
  // One row per clock minute: the level at that minute, or the mean of the minute that ends there.
  const first = 60 - (clockSeconds(data.clock) % 60);
  for (let s = first; s < data.seconds; s += 60) {
    const cell = (y: number[]): string => formatNumber(spec.perMinute === 'at' ? y[s] : y.slice(Math.max(0, s - 60), s).reduce((a, b) => a + b, 0) / Math.min(60, s));
    rows.push(element('tr', {}, element('th', { scope: 'row' }, clockAt(data.clock, s)), ...ys.map((y) => element('td', {}, cell(y)))));
  }
  const what = spec.perMinute === 'at' ? 'à chaque minute' : 'moyenne de la minute écoulée';
  return element(
    'details',
    { class: 'surge-data' },
    element('summary', {}, 'Les chiffres, minute par minute'),
    element(
      'table',
      {},
      element('caption', {}, `${spec.caption}, en ${spec.unit} (${what})`),
      element('thead', {}, element('tr', {}, element('th', { scope: 'col' }, 'Heure'), ...labels.map((l) => element('th', { scope: 'col' }, l)))),
      element('tbody', {}, ...rows),
    ),
  );
}

/** The axis top: a round number a little above the highest value (1 946 → 2 000, 430 → 450). */
function niceCeiling(max: number): number {
  const step = 10 ** Math.floor(Math.log10(max)) / 2;
  return Math.ceil((max * 1.02) / step) * step;
}
