import type { Element, ElementContent } from "hast";
import remarkGfm from "remark-gfm";
import { type JSX, Show } from "solid-js";
import { SolidMarkdown } from "solid-markdown";
import { CodeBlock } from "./CodeBlock";
import { safeUrl } from "./safe-url";

// Model output as Markdown. Loaded lazily. Raw HTML in the text is dropped (never rendered), only
// harmless addresses survive in links and images, and links open without access to the app.

function textOf(nodes: readonly ElementContent[]): string {
  return nodes
    .map((node) => (node.type === "text" ? node.value : "children" in node ? textOf(node.children) : ""))
    .join("");
}

function FencedCode(props: { node: Element }): JSX.Element {
  const code = () =>
    props.node.children.find(
      (child): child is Element => child.type === "element" && child.tagName === "code",
    );
  const language = () => {
    const classes = code()?.properties?.className;
    const names = Array.isArray(classes) ? classes.map(String) : [];
    return names.find((name) => name.startsWith("language-"))?.slice("language-".length);
  };
  return <CodeBlock code={textOf(code()?.children ?? []).replace(/\n$/, "")} language={language()} />;
}

function SafeLink(props: JSX.AnchorHTMLAttributes<HTMLAnchorElement>): JSX.Element {
  return (
    <Show when={safeUrl(props.href)} fallback={<span>{props.children}</span>}>
      {(href) => (
        <a href={href()} title={props.title} target="_blank" rel="noopener noreferrer">
          {props.children}
        </a>
      )}
    </Show>
  );
}

function SafeImage(props: JSX.ImgHTMLAttributes<HTMLImageElement>): JSX.Element {
  return (
    <Show when={safeUrl(props.src)} fallback={<span>{props.alt}</span>}>
      {(src) => (
        <img
          src={src()}
          alt={props.alt ?? ""}
          title={props.title}
          loading="lazy"
          referrerPolicy="no-referrer"
        />
      )}
    </Show>
  );
}

export default function Markdown(props: { text: string }): JSX.Element {
  return (
    <SolidMarkdown
      class="markdown"
      renderingStrategy="reconcile"
      skipHtml
      remarkPlugins={[remarkGfm]}
      components={{ a: SafeLink, img: SafeImage, pre: FencedCode }}
      children={props.text}
    />
  );
}
