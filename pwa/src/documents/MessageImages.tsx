import "./documents.css";
import { createSignal, For, type JSX, Match, Show, Switch } from "solid-js";
import type { MessageFieldsFragment } from "../gql/graphql";
import { t } from "../i18n/i18n";
import { Dialog } from "../ui/Dialog";
import { Icon } from "../ui/icons";
import { createImageUrl } from "./image-url";
import "./i18n/document-strings";

type SentImage = MessageFieldsFragment["attachments"][number];

/** An image's name where the image itself cannot be shown (offline, or no longer there). */
export function ImageFallback(props: { filename: string }): JSX.Element {
  return (
    <span class="image-fallback" title={t("documents.images.unavailable", { name: props.filename })}>
      <Icon name="image" />
      <span class="image-fallback-name">{props.filename}</span>
    </span>
  );
}

/** One thumbnail: a button that opens the image larger once it is here; its name when it cannot be shown. */
function MessageImage(props: { image: SentImage; onOpen: (url: string) => void }): JSX.Element {
  const image = createImageUrl(() => props.image.downloadUrl);
  const url = () => {
    const state = image.state();
    return state.status === "ready" ? state.url : undefined;
  };
  return (
    <Switch>
      <Match when={image.state().status === "failed"}>
        <ImageFallback filename={props.image.filename} />
      </Match>
      <Match when={image.state().status !== "failed"}>
        <button
          type="button"
          class="message-image"
          aria-haspopup="dialog"
          aria-label={t("documents.images.open", { name: props.image.filename })}
          title={props.image.filename}
          onClick={() => {
            const shown = url();
            if (shown) props.onOpen(shown);
          }}
        >
          <Show when={url()} fallback={<span class="message-image-placeholder" />}>
            {(shown) => <img src={shown()} alt={props.image.filename} onError={image.fail} />}
          </Show>
        </button>
      </Match>
    </Switch>
  );
}

/**
 * Under a user's message: the images sent with it, small; each opens larger in a dialog. Loaded lazily,
 * with the documents' code.
 */
export default function MessageImages(props: { images: readonly SentImage[] }): JSX.Element {
  const [open, setOpen] = createSignal<{ filename: string; url: string } | null>(null);
  return (
    <>
      <ul class="message-images" aria-label={t("documents.images.title")}>
        <For each={props.images}>
          {(image) => (
            <li>
              <MessageImage image={image} onOpen={(url) => setOpen({ filename: image.filename, url })} />
            </li>
          )}
        </For>
      </ul>
      <Dialog open={open() !== null} title={open()?.filename ?? ""} onClose={() => setOpen(null)}>
        <Show when={open()} keyed>
          {(shown) => <img class="message-image-full" src={shown.url} alt={shown.filename} />}
        </Show>
      </Dialog>
    </>
  );
}
