import type { Element, ElementContent } from "hast";
import remarkGfm from "remark-gfm";
import { createContext, type JSX, Show, useContext } from "solid-js";
import { SolidMarkdown } from "solid-markdown";
import { t } from "../i18n/i18n";
import { Icon } from "../ui/icons";
import { CodeBlock } from "./CodeBlock";
import { imageAddress, safeUrl } from "./safe-url";

// Model output as Markdown. Loaded lazily. Raw HTML in the text is dropped (never rendered), only
// harmless addresses survive in links and images, links open without access to the app, and images
// from anywhere but this app are not loaded until the reader opens them.

// Inside a link, a remote image is only a label: the link around it is what a click opens.
const InsideLink = createContext(false);

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
          <InsideLink.Provider value={true}>{props.children}</InsideLink.Provider>
        </a>
      )}
    </Show>
  );
}

/** A remote image as a placeholder (its text and host), opened in a tab of its own on request. */
function RemoteImage(props: { src: string; host: string; alt?: string; title?: string }): JSX.Element {
  const insideLink = useContext(InsideLink);
  const label = () => (
    <>
      <Icon name="image" class="remote-image-icon" />
      <Show when={props.alt}>
        <span class="remote-image-alt">{props.alt}</span>
      </Show>
      <span class="remote-image-source">
        {t(insideLink ? "chat.remoteImageInLink" : "chat.remoteImage", { host: props.host })}
      </span>
    </>
  );
  if (insideLink) return <span class="remote-image">{label()}</span>;
  return (
    <a class="remote-image" href={props.src} title={props.title} target="_blank" rel="noopener noreferrer">
      {label()}
    </a>
  );
}

function SafeImage(props: JSX.ImgHTMLAttributes<HTMLImageElement>): JSX.Element {
  return (
    <Show when={imageAddress(props.src)} fallback={<span>{props.alt}</span>}>
      {(address) => (
        <Show
          when={address().own}
          fallback={
            <RemoteImage src={address().src} host={address().host} alt={props.alt} title={props.title} />
          }
        >
          <img
            src={address().src}
            alt={props.alt ?? ""}
            title={props.title}
            loading="lazy"
            referrerPolicy="no-referrer"
          />
        </Show>
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
