// Placeholders in prompt templates. One parser for the API and the PWA: no imports, no Node APIs.
//   {{name}}                 free text
//   {{name:Option A|Option B}} a choice
//   {{current_date}} {{current_time}} {{user_name}}  filled automatically
// Anything that does not match (a lone "{{", empty names, nested braces) stays literal text.

export type PlaceholderKind = "TEXT" | "CHOICE";

export interface TemplateVariable {
  name: string;
  kind: PlaceholderKind;
  options: string[];
}

export const BUILT_IN_PLACEHOLDERS = ["current_date", "current_time", "user_name"] as const;
export type BuiltInPlaceholder = (typeof BUILT_IN_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([^{}:|\s][^{}:|]*?)\s*(?::([^{}]*))?\}\}/gu;

const isBuiltIn = (name: string): name is BuiltInPlaceholder =>
  (BUILT_IN_PLACEHOLDERS as readonly string[]).includes(name);

function optionsOf(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split("|")
    .map((option) => option.trim())
    .filter(Boolean);
}

/** The variables a person fills in, in order of first appearance; a repeated name is listed once. */
export function parsePlaceholders(content: string): TemplateVariable[] {
  const variables = new Map<string, TemplateVariable>();
  for (const match of content.matchAll(PLACEHOLDER)) {
    const name = match[1]!.trim();
    if (isBuiltIn(name)) continue;
    const options = optionsOf(match[2]);
    const known = variables.get(name);
    if (!known) {
      variables.set(name, { name, kind: options.length > 0 ? "CHOICE" : "TEXT", options });
    } else if (known.kind === "TEXT" && options.length > 0) {
      // {{tone}} … {{tone:formal|casual}}: the choice defines it.
      variables.set(name, { name, kind: "CHOICE", options });
    }
  }
  return [...variables.values()];
}

export interface RenderContext {
  userName: string;
  now: Date;
  /** IANA time zone for the date and time built-ins (default UTC). */
  timeZone?: string;
}

export type RenderResult = { ok: true; text: string } | { ok: false; missing: string[]; invalid: string[] };

/** Fills every placeholder; reports missing values and choices that are not among the options. */
export function renderPlaceholders(
  content: string,
  values: Record<string, string>,
  context: RenderContext,
): RenderResult {
  const variables = parsePlaceholders(content);
  const missing = variables
    .filter((variable) => !(values[variable.name] ?? "").trim())
    .map((variable) => variable.name);
  const invalid = variables
    .filter(
      (variable) =>
        variable.kind === "CHOICE" &&
        values[variable.name] &&
        !variable.options.includes(values[variable.name]!),
    )
    .map((variable) => variable.name);
  if (missing.length > 0 || invalid.length > 0) return { ok: false, missing, invalid };
  const builtIns = builtInValues(context);
  const text = content.replace(PLACEHOLDER, (_whole, rawName: string) => {
    const name = rawName.trim();
    return isBuiltIn(name) ? builtIns[name] : values[name]!;
  });
  return { ok: true, text };
}

function builtInValues(context: RenderContext): Record<BuiltInPlaceholder, string> {
  const timeZone = context.timeZone ?? "UTC";
  const part = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat("en-CA", { timeZone, ...options }).format(context.now);
  return {
    current_date: part({ year: "numeric", month: "2-digit", day: "2-digit" }),
    current_time: part({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
    user_name: context.userName,
  };
}
