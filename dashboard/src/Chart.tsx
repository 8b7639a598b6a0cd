/** An ECharts chart (the library the simulator's reports use) that follows its container's size. */
import { BarChart, LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { type EChartsCoreOption, type EChartsType, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([
  LineChart,
  BarChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

export interface ChartProps {
  option: EChartsCoreOption;
  /** Accessible description of what the chart shows. */
  label: string;
  height?: number;
  testId?: string;
}

export function Chart({ option, label, height = 280, testId }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<EChartsType | null>(null);

  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const chart = init(element, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={ref} className="chart" style={{ height }} role="img" aria-label={label} data-testid={testId} />;
}

/** Common option pieces: a time axis of slot labels and value series. */
export function lineOption(
  labels: readonly string[],
  series: ReadonlyArray<{
    name: string;
    data: readonly number[];
    type?: 'line' | 'bar';
    area?: boolean;
    step?: boolean;
  }>,
  yName: string,
): EChartsCoreOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: labels.length > 48 ? 56 : 28, containLabel: true },
    xAxis: { type: 'category', data: labels, boundaryGap: series.some((s) => s.type === 'bar') },
    yAxis: { type: 'value', name: yName, nameTextStyle: { align: 'left' } },
    dataZoom: labels.length > 48 ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 4 }] : [],
    series: series.map((s) => ({
      name: s.name,
      type: s.type ?? 'line',
      data: s.data,
      showSymbol: false,
      ...(s.step ? { step: 'end' } : {}),
      ...(s.area ? { areaStyle: { opacity: 0.15 } } : {}),
    })),
  };
}
