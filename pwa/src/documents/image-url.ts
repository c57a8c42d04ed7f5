import { type Accessor, createEffect, createSignal, on, onCleanup } from "solid-js";
import { apiUrl, fetchFile } from "../graphql/download";

// An uploaded image, to show in an <img>: its file is the API's, readable only with the session's
// token, which an <img src> cannot send — so it is fetched, and shown from memory (an object URL,
// released when it is no longer shown).

export type ImageState = { status: "loading" } | { status: "ready"; url: string } | { status: "failed" };

export interface ImageUrlDependencies {
  fetchBlob?: (url: string) => Promise<Blob>;
  createObjectURL?: (blob: Blob) => string;
  revokeObjectURL?: (url: string) => void;
}

/**
 * The image at `downloadUrl` (a document's, e.g. `/documents/<id>/file`) as an object URL once fetched;
 * "failed" when it cannot be (offline, deleted) or the browser cannot show it (`fail`, from onError).
 */
export function createImageUrl(
  downloadUrl: Accessor<string>,
  dependencies: ImageUrlDependencies = {},
): { state: Accessor<ImageState>; fail: () => void } {
  const fetchBlob = dependencies.fetchBlob ?? ((url: string) => fetchFile(apiUrl(url, {})));
  const createObjectURL = dependencies.createObjectURL ?? ((blob: Blob) => URL.createObjectURL(blob));
  const revokeObjectURL = dependencies.revokeObjectURL ?? ((url: string) => URL.revokeObjectURL(url));
  const [state, setState] = createSignal<ImageState>({ status: "loading" });

  createEffect(
    on(downloadUrl, (address) => {
      let shown: string | undefined;
      let current = true;
      setState({ status: "loading" });
      fetchBlob(address).then(
        (blob) => {
          if (!current) return;
          shown = createObjectURL(blob);
          setState({ status: "ready", url: shown });
        },
        () => {
          if (current) setState({ status: "failed" });
        },
      );
      onCleanup(() => {
        current = false;
        if (shown) revokeObjectURL(shown);
      });
    }),
  );

  return { state, fail: () => setState({ status: "failed" }) };
}
