import { type Accessor, createSignal, onCleanup } from "solid-js";
import type { DocumentFieldsFragment, DocumentScope } from "../gql/graphql";
import type { DocumentFailure } from "./document-status";
import { uploadDocument } from "./upload";

/** A file on its way to the server, or refused by it (until dismissed). */
export interface PendingUpload {
  key: string;
  name: string;
  sent: number;
  total: number;
  failure?: DocumentFailure;
}

/**
 * The uploads a screen started: one file after the other, each shown with its bytes sent until the
 * server has it (then `onUploaded`, so that the screen's list shows the document) or refuses it (then
 * with the reason, until dismissed).
 */
export function createUploads(options: {
  scope: DocumentScope;
  chatId?: () => string;
  onUploaded: (document: DocumentFieldsFragment) => void;
}): {
  uploads: Accessor<PendingUpload[]>;
  start: (files: Iterable<File>) => void;
  dismiss: (key: string) => void;
} {
  const [uploads, setUploads] = createSignal<PendingUpload[]>([]);
  let queue = Promise.resolve();
  let alive = true;
  onCleanup(() => {
    alive = false;
  });
  const update = (key: string, change: Partial<PendingUpload>) =>
    setUploads((list) => list.map((upload) => (upload.key === key ? { ...upload, ...change } : upload)));
  const dismiss = (key: string) => setUploads((list) => list.filter((upload) => upload.key !== key));

  const start = (files: Iterable<File>) => {
    const chatId = options.chatId?.();
    for (const file of files) {
      const key = crypto.randomUUID();
      setUploads((list) => [...list, { key, name: file.name, sent: 0, total: file.size }]);
      queue = queue.then(async () => {
        const outcome = await uploadDocument({ file, scope: options.scope, chatId }, (progress) =>
          update(key, progress),
        );
        if (!alive) return;
        if ("failure" in outcome) {
          update(key, { failure: outcome.failure });
          return;
        }
        dismiss(key);
        options.onUploaded(outcome.document);
      });
    }
  };
  return { uploads, start, dismiss };
}

/** Calls `tick` every `intervalMs` while `active` holds (e.g. to follow documents being processed). */
export function pollWhile(active: Accessor<boolean>, tick: () => void, intervalMs = 1_000): void {
  const timer = setInterval(() => {
    if (active()) tick();
  }, intervalMs);
  onCleanup(() => clearInterval(timer));
}
