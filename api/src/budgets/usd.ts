/** Dollars as people read them: four decimals below one dollar (budgets of cents), else two. */
export const formatUsd = (value: number): string => `$${value.toFixed(Math.abs(value) < 1 ? 4 : 2)}`;
