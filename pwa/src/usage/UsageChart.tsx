import {
  createEffect,
  createMemo,
  createSignal,
  type JSX,
  onCleanup,
  onMount,
  Show,
  untrack,
} from "solid-js";
import type uPlot from "uplot";
import { locale, t } from "../i18n/i18n";
import { type ChartData, stackHeights } from "./usage-series";

// A bar chart drawn by uPlot, which is loaded here and only here (with its CSS): the first screen never
// pays for it. It fits its container's width (ResizeObserver) and takes its colours from the theme's
// CSS variables, drawing again when the theme changes. It is a picture for the eye: screen readers get
// the table beneath it, which the label points to.

let uPlotModule: Promise<typeof uPlot> | undefined;
const loadUPlot = () => {
  uPlotModule ??= Promise.all([import("uplot"), import("uplot/dist/uPlot.min.css")]).then(
    ([module]) => module.default,
  );
  return uPlotModule;
};

const SERIES_COLOURS = 8;
/** Ticks and the gap between them and their labels (CSS pixels). */
const AXIS_GAP = 16;

export interface UsageChartProps {
  data: ChartData;
  /** What the chart shows, for its accessible name ("Chart: …; the table below …"). */
  title: string;
  /** Values on the value axis and in the legend. */
  format: (value: number) => string;
  /** Categories on the category axis and in the legend (a day as "3 Mar", a long name shortened). */
  formatCategory?: (category: string) => string;
  /** "horizontal" bars for ranked names (users, models), "vertical" for days. */
  orientation?: "vertical" | "horizontal";
  /** What a category is ("Day", "User"), for the legend. */
  categoryLabel: string;
}

export function UsageChart(props: UsageChartProps): JSX.Element {
  let container!: HTMLDivElement;
  const [width, setWidth] = createSignal(0);
  const [theme, setTheme] = createSignal(document.documentElement.dataset.theme);
  const [library, setLibrary] = createSignal<typeof uPlot>();
  let chart: uPlot | undefined;

  onMount(() => {
    // A function given to a setter is an update of the old value: the class goes in wrapped.
    // Without the library (offline, before the chunk was cached) the table below still has the numbers.
    loadUPlot().then(
      (UPlot) => setLibrary(() => UPlot),
      () => undefined,
    );
    const resize = new ResizeObserver((entries) => {
      const measured = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (measured > 0) setWidth(measured);
    });
    resize.observe(container);
    const themeWatch = new MutationObserver(() => setTheme(document.documentElement.dataset.theme));
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    onCleanup(() => {
      resize.disconnect();
      themeWatch.disconnect();
    });
  });

  const height = () =>
    props.orientation === "horizontal" ? Math.max(120, props.data.categories.length * 32 + 48) : 260;

  const measured = createMemo(() => width() > 0);
  // A new chart when the data, the theme, the language or the library changes; a resize only resizes it.
  createEffect(() => {
    const UPlot = library();
    const data = props.data;
    theme();
    locale();
    if (!UPlot || !measured()) return;
    chart?.destroy();
    chart = new UPlot(chartOptions(UPlot, props, untrack(width), height()), chartData(data), container);
  });
  createEffect(() => {
    const measured = width();
    if (chart && measured > 0 && chart.width !== measured)
      chart.setSize({ width: measured, height: height() });
  });
  onCleanup(() => chart?.destroy());

  return (
    <div
      ref={container}
      class="usage-chart"
      role="img"
      aria-label={t("usage.chartLabel", { title: props.title })}
      style={{ "min-height": `${height()}px` }}
    >
      <Show when={!library()}>
        <span class="visually-hidden">{t("app.loading")}</span>
      </Show>
    </div>
  );
}

function chartData(data: ChartData): uPlot.AlignedData {
  const x = data.categories.map((_, index) => index);
  const heights = data.stacked
    ? stackHeights(data.series)
    : data.series.map((one) => one.values.map((value) => value ?? 0));
  return [x, ...heights];
}

function cssColour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

let measuring: CanvasRenderingContext2D | null | undefined;
/** The width (CSS pixels) of the widest text in a font, for an axis of names to fit them. */
function widest(texts: readonly string[], font: string): number {
  measuring ??= document.createElement("canvas").getContext("2d");
  if (!measuring) return 100;
  measuring.font = font;
  return Math.max(0, ...texts.map((text) => measuring?.measureText(text).width ?? 0));
}

/** Shortens a name to fit `room` pixels (with "…"); the legend and the table show it whole. */
function fitted(text: string, room: number, font: string): string {
  if (widest([text], font) <= room) return text;
  let length = text.length;
  while (length > 1 && widest([`${text.slice(0, length)}…`], font) > room) length--;
  return `${text.slice(0, length)}…`;
}

function chartOptions(
  UPlot: typeof uPlot,
  props: UsageChartProps,
  width: number,
  height: number,
): uPlot.Options {
  const { data, format } = props;
  const horizontal = props.orientation === "horizontal";
  const categoryText = (index: number) => {
    const category = data.categories[index];
    return category === undefined ? "" : (props.formatCategory?.(category) ?? category);
  };
  const text = cssColour("--color-text", "#333333");
  const muted = cssColour("--color-text-light", "#666666");
  const grid = cssColour("--color-border", "#e0e0e0");
  const font = `12px ${cssColour("--font-family", "sans-serif")}`;
  const colour = (index: number) => cssColour(`--chart-${(index % SERIES_COLOURS) + 1}`, "#213452");
  const narrow = width < 480;
  // Names beside horizontal bars get at most a third of the width; the bars keep the rest.
  const labelRoom = Math.round(width / 3) - AXIS_GAP;
  const bars = UPlot.paths.bars?.({ size: [0.7, 56], gap: 1 });

  const categoryAxis: uPlot.Axis = {
    stroke: muted,
    font,
    grid: { show: false },
    ticks: { stroke: grid, size: 4 },
    // One label per category where they fit, else every few (days); never between two categories.
    space: horizontal ? 20 : narrow ? 56 : 44,
    incrs: [1, 2, 3, 5, 7, 10, 14, 15, 30, 45, 60, 90],
    values: (_self, splits) =>
      splits.map((split) =>
        Number.isInteger(split) ? fitted(categoryText(split), horizontal ? labelRoom : 80, font) : "",
      ),
    // Names on the left take the room the longest needs, up to a third of the chart.
    ...(horizontal
      ? { side: 3, size: (_self, values) => Math.min(labelRoom, widest(values ?? [], font)) + AXIS_GAP }
      : { side: 2 }),
  };
  const valueAxis: uPlot.Axis = {
    stroke: muted,
    font,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, size: 4 },
    values: (_self, splits) => splits.map((split) => format(split)),
    ...(horizontal ? { side: 0, size: 28, space: narrow ? 70 : 90 } : { side: 3, size: 64, space: 36 }),
  };

  return {
    width,
    height,
    padding: [12, 12, 0, 0],
    legend: { show: true, live: true },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    scales: {
      x: {
        time: false,
        range: () => [-0.5, Math.max(data.categories.length, 1) - 0.5],
        ...(horizontal ? { ori: 1, dir: -1 } : {}),
      },
      y: {
        range: (_self, _min, max) => [0, max > 0 ? max * 1.08 : 1],
        ...(horizontal ? { ori: 0 } : {}),
      },
    },
    axes: [categoryAxis, valueAxis],
    series: [
      {
        label: props.categoryLabel,
        value: (_self, index) => (index === null || index === undefined ? "" : categoryText(index)),
      },
      ...data.series.map(
        (one, index): uPlot.Series => ({
          label: one.label,
          stroke: colour(index),
          fill: colour(index),
          width: 0,
          paths: bars,
          points: { show: false },
          // The legend says each series' own value, not the stacked height the bar is drawn to.
          value: (_self, _height, _seriesIndex, at) => {
            const value = at === null || at === undefined ? null : one.values[at];
            return value === null || value === undefined ? "–" : format(value);
          },
        }),
      ),
    ],
    hooks: { init: [(self) => self.root.style.setProperty("color", text)] },
  };
}
