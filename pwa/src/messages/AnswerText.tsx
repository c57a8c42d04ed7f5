import { For, type JSX, lazy, Show, Suspense } from "solid-js";
import { createNearViewport } from "../ui/near-viewport";
import { createThrottled } from "../ui/throttled";

const Markdown = lazy(() => import("./Markdown"));

// Anything that Markdown would render differently from plain paragraphs.
const MARKDOWN_SYNTAX = /[*_`#>|[\]~<]|^\s*[-+]\s|^\s*\d+[.)]\s|https?:\/\/|^[=-]{3,}\s*$/m;

export function needsMarkdown(text: string): boolean {
  return MARKDOWN_SYNTAX.test(text);
}

/** Paragraphs as they are; what plain text looks like in Markdown, too. */
function PlainParagraphs(props: { text: string }): JSX.Element {
  return (
    <div class="markdown">
      <For each={props.text.split(/\n{2,}/)}>{(paragraph) => <p class="plain-text">{paragraph}</p>}</For>
    </div>
  );
}

/** Markdown, loaded on first use, once the message comes near the screen; plain text until then. */
function FormattedText(props: { text: string }): JSX.Element {
  const [near, track] = createNearViewport();
  return (
    <div ref={track}>
      <Show when={near()} fallback={<PlainParagraphs text={props.text} />}>
        <Suspense fallback={<PlainParagraphs text={props.text} />}>
          <Markdown text={props.text} />
        </Suspense>
      </Show>
    </div>
  );
}

function RenderedText(props: { text: string }): JSX.Element {
  return (
    <Show when={needsMarkdown(props.text)} fallback={<PlainParagraphs text={props.text} />}>
      <FormattedText text={props.text} />
    </Show>
  );
}

/** While streaming, the text is rendered about ten times a second, not on every token. */
function StreamingText(props: { text: string }): JSX.Element {
  const shown = createThrottled(() => props.text, 100);
  return <RenderedText text={shown()} />;
}

/** An answer: plain paragraphs when there is nothing to format, Markdown otherwise. */
export function AnswerText(props: { text: string; streaming: boolean }): JSX.Element {
  return (
    <Show when={props.streaming} fallback={<RenderedText text={props.text} />}>
      <StreamingText text={props.text} />
    </Show>
  );
}
