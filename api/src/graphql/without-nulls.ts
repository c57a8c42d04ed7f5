/**
 * Drops fields the client left out or set to null, except those where null means "clear it".
 * GraphQL inputs say "not given" with null as well as by leaving a field out.
 */
export function withoutNulls<Data extends Record<string, unknown>, Clearable extends keyof Data = never>(
  data: Data,
  clearable: Clearable[] = [],
) {
  return Object.fromEntries(
    Object.entries(data).filter(
      ([key, value]) =>
        value !== undefined && (value !== null || (clearable as (keyof Data)[]).includes(key)),
    ),
  ) as { [Key in keyof Data]?: NonNullable<Data[Key]> | (Key extends Clearable ? null : never) };
}
