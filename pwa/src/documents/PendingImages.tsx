import { For, type JSX, Show } from "solid-js";
import { t } from "../i18n/i18n";
import { IconButton } from "../ui/IconButton";
import { Icon } from "../ui/icons";
import { createImageUrl } from "./image-url";
import type { PendingAttachment } from "./pending-attachments";

function Thumbnail(props: { image: PendingAttachment }): JSX.Element {
  const image = createImageUrl(() => props.image.downloadUrl);
  const url = () => {
    const state = image.state();
    return state.status === "ready" ? state.url : undefined;
  };
  return (
    <Show when={url()} fallback={<Icon name="image" class="attachment-chip-icon" />}>
      {(shown) => <img class="attachment-chip-thumbnail" src={shown()} alt="" onError={image.fail} />}
    </Show>
  );
}

/**
 * Above the composer: the images that go with the next message, each with a way to leave it out (it
 * stays among the chat's files).
 */
export function PendingImages(props: {
  images: readonly PendingAttachment[];
  /** How far the image is read (OCR), once the chat's files list it. */
  statusOf: (id: string) => string | undefined;
  onRemove: (image: PendingAttachment) => void;
}): JSX.Element {
  return (
    <ul class="document-chips" aria-label={t("documents.chat.pendingImages")}>
      <For each={props.images}>
        {(image) => (
          <li class="document-chip attachment-chip" data-status="ATTACHED">
            <Thumbnail image={image} />
            <span class="document-chip-text">
              <span class="document-chip-name">{image.filename}</span>
              <span class="document-chip-status">
                {[t("documents.chat.withNextMessage"), props.statusOf(image.id)].filter(Boolean).join(" · ")}
              </span>
            </span>
            <IconButton
              icon="close"
              class="document-chip-remove"
              label={t("documents.chat.unattach", { name: image.filename })}
              onClick={() => props.onRemove(image)}
            />
          </li>
        )}
      </For>
    </ul>
  );
}
