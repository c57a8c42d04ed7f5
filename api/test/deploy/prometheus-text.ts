/** The sum of the samples of `name` whose labels include `labels`, in Prometheus text format; 0 when none. */
export function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]),
    );
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) sum += Number(match[3]);
  }
  return sum;
}

/** Whether the text declares the metric (a `# TYPE` line), even with no samples yet. */
export function declares(text: string, name: string): boolean {
  return new RegExp(`^# TYPE ${name} `, "m").test(text);
}
