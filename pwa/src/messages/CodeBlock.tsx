import { createEffect, type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { createCopyAction } from "../ui/clipboard";
import { Icon } from "../ui/icons";

type Highlighter = (code: string, language: string | undefined) => string;
let highlighter: Promise<Highlighter> | undefined;

/** A fenced code block: language label, copy button, highlighting loaded on first use. */
export function CodeBlock(props: { code: string; language?: string }): JSX.Element {
  const { copied, copy } = createCopyAction();
  let codeElement!: HTMLElement;

  createEffect(() => {
    const code = props.code;
    const language = props.language;
    codeElement.textContent = code;
    highlighter ??= import("./highlight").then((module) => module.highlight);
    void highlighter.then((highlight) => {
      // Only if the text is still the same (a streaming answer may have moved on).
      if (codeElement.textContent === code) codeElement.innerHTML = highlight(code, language);
    });
  });

  return (
    <div class="code-block">
      <div class="code-block-bar">
        <span class="metadata">{props.language ?? ""}</span>
        <button
          type="button"
          class="button button--ghost button--small"
          onClick={() => void copy(props.code)}
        >
          <Icon name="copy" />
          <Show when={copied()} fallback={t("chat.copyCode")}>
            {t("common.copied")}
          </Show>
        </button>
      </div>
      <pre>
        <code ref={codeElement} class="hljs" />
      </pre>
    </div>
  );
}
