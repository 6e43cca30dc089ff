/** Small helpers to summarise timings: percentiles and a rate. */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

/** Runs `task` for each index with at most `limit` in flight. */
export async function inParallel(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/**
 * A sample document made unique by its DocumentId and CodeNumber, so that
 * each submission is a new document to the axis rather than a retry.
 */
export function variantOf(sample: string, index: number): Uint8Array {
  const tag = `BENCH-${index}`;
  const text = sample
    .replace(/(<edXML:DocumentId>)([^<]*)(<\/edXML:DocumentId>)/, `$1$2-${tag}$3`)
    .replace(/(<edXML:CodeNumber>)([^<]*)(<\/edXML:CodeNumber>)/, `$1$2-${tag}$3`);
  return Buffer.from(text, 'utf8');
}
