import hljs from "highlight.js/lib/common";

// Loaded with the first code block only. highlight.js escapes the code, so its HTML output is safe.

export function highlight(code: string, language: string | undefined): string {
  if (language && hljs.getLanguage(language))
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  return hljs.highlightAuto(code).value;
}
