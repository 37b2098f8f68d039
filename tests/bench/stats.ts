/** Summary statistics for benchmark samples. */

/** The value at quantile q (0..1) of the samples, by nearest rank. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** One printed line: name, median, p95 and p99 in the given unit, with the sample count. */
export function formatRow(name: string, samples: number[], unit = 'ms', budget = ''): string {
  const f = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  return `${name.padEnd(58)} median ${f(quantile(samples, 0.5)).padStart(7)} ${unit}  p95 ${f(quantile(samples, 0.95)).padStart(7)} ${unit}  p99 ${f(quantile(samples, 0.99)).padStart(7)} ${unit}  (n=${samples.length})${budget ? `  budget ${budget}` : ''}`;
}
