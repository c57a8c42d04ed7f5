import { z } from "zod";

// Input rules for the one-line texts of the schema (names, titles, categories): the same everywhere.

const CONTROL_CHARACTERS = /\p{Cc}/u;

/** A one-line text: no line breaks, tabs or other control characters. */
export function singleLine<Schema extends z.ZodType<string>>(schema: Schema) {
  return schema.refine(
    (value) => !CONTROL_CHARACTERS.test(value),
    "This text may not contain line breaks, tabs or other control characters",
  );
}

/** The name of an assistant, a template or an API key: 1 to 100 characters on one line. */
export const nameSchema = singleLine(
  z
    .string()
    .trim()
    .min(1, "The name must have 1 to 100 characters")
    .max(100, "The name must have 1 to 100 characters"),
);
