import { useClient } from "@urql/solid";
import { type Accessor, createEffect, createSignal, on } from "solid-js";
import type { ChatMessage } from "./conversation";
import { OlderMessagesQuery } from "./operations";

interface PageStart {
  hasPreviousPage: boolean;
  startCursor?: string | null;
}

/** Earlier pages of a chat, fetched backwards from the start of the newest page on demand. */
export function createOlderPages(
  chatId: Accessor<string>,
  newestPage: Accessor<PageStart | undefined>,
  pageSize: number,
) {
  const client = useClient();
  const [messages, setMessages] = createSignal<ChatMessage[]>([]);
  const [start, setStart] = createSignal<PageStart | undefined>(undefined);
  const [loading, setLoading] = createSignal(false);

  createEffect(
    on(chatId, () => {
      setMessages([]);
      setStart(undefined);
    }),
  );

  const boundary = () => start() ?? newestPage();
  const hasMore = () => Boolean(boundary()?.hasPreviousPage && boundary()?.startCursor);

  async function loadMore(): Promise<void> {
    const before = boundary()?.startCursor;
    if (loading() || !hasMore() || !before) return;
    const id = chatId();
    setLoading(true);
    const result = await client.query(OlderMessagesQuery, { id, last: pageSize, before }).toPromise();
    setLoading(false);
    const page = result.data?.chat.messages;
    if (!page || id !== chatId()) return;
    setMessages([...page.edges.map((edge) => edge.node), ...messages()]);
    setStart({ hasPreviousPage: page.pageInfo.hasPreviousPage, startCursor: page.pageInfo.startCursor });
  }

  return { messages, hasMore, loading, loadMore };
}
