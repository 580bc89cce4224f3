/**
 * Chart.js registration (only what the panel uses, so the bundle stays small) and theme-aware defaults.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartOptions,
  type ChartType,
} from 'chart.js';
import type { ThemeColors } from '../theme';

ChartJS.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

/** Options shared by every chart: colours from the theme, no animation (live updates should not wobble). */
export function baseOptions<T extends ChartType>(colors: ThemeColors): ChartOptions<T> {
  const font = { family: colors.fontFamily };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    color: colors.foreground,
    borderColor: colors.grid,
    plugins: {
      legend: { labels: { color: colors.foreground, font } },
      tooltip: { titleFont: font, bodyFont: font },
    },
  } as ChartOptions<T>;
}

/** Cartesian axes in theme colours; `format` turns tick values into display strings. */
export function axis(
  colors: ThemeColors,
  format?: (value: number) => string,
  position: 'left' | 'right' = 'left',
  integer = false,
) {
  return {
    position,
    beginAtZero: true,
    ticks: {
      color: colors.muted,
      // Counts have no fractional ticks (else "1, 1, 2, 2" after rounding).
      ...(integer ? { precision: 0 } : {}),
      font: { family: colors.fontFamily },
      ...(format ? { callback: (value: string | number) => format(Number(value)) } : {}),
    },
    grid: { color: colors.grid, drawOnChartArea: position === 'left' },
    border: { color: colors.grid },
  };
}

export function categoryAxis(colors: ThemeColors) {
  return {
    ticks: { color: colors.muted, font: { family: colors.fontFamily } },
    grid: { color: colors.grid, display: false },
    border: { color: colors.grid },
  };
}

export { ChartJS };
