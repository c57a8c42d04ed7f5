import { A, useLocation, useNavigate } from "@solidjs/router";
import { createMutation, createQuery } from "@urql/solid";
import { createEffect, createMemo, createSignal, For, type JSX, on, Show } from "solid-js";
import { type SessionUser, session } from "../auth/session";
import { t } from "../i18n/i18n";
import { prefetchChat, prefetchRecentChats } from "../messages/chat-actions";
import { mayAdminister, mayInvite, mayManageOrganizations } from "../organizations/access";
import { ConfirmDialog } from "../ui/Dialog";
import { Icon } from "../ui/icons";
import { UsageWidget } from "../usage/UsageWidget";
import { ChatListItem, type ChatSummary } from "./ChatListItem";
import { ChatListQuery, DeleteChatMutation, UpdateChatMutation } from "./operations";

const PAGE = 50;

const everyone = (_user: SessionUser | null) => true;
const pages = [
  { href: "/assistants", icon: "assistant", label: "nav.assistants", shownTo: everyone },
  { href: "/templates", icon: "template", label: "nav.templates", shownTo: everyone },
  { href: "/documents", icon: "document", label: "nav.documents", shownTo: everyone },
  { href: "/usage", icon: "usage", label: "nav.myUsage", shownTo: everyone },
  { href: "/invitations", icon: "invite", label: "nav.invitations", shownTo: mayInvite },
  {
    href: "/organizations",
    icon: "organization",
    label: "nav.organizations",
    shownTo: mayManageOrganizations,
  },
  { href: "/admin", icon: "admin", label: "nav.admin", shownTo: mayAdminister },
  { href: "/settings", icon: "settings", label: "nav.settings", shownTo: everyone },
] as const;

/** Chats, newest activity first: search, new chat, rename, delete, this month's usage. */
export function Sidebar(props: {
  open: boolean;
  /** Whether to load the list (on phones it waits until the first screen is done). */
  active: boolean;
  /** Whether it can be seen: always from 1024 px, on phones while the drawer is open. */
  visible: boolean;
  onClose: () => void;
  onNavigate: () => void;
}): JSX.Element {
  const navigate = useNavigate();
  const location = useLocation();
  const [search, setSearch] = createSignal("");
  const [first, setFirst] = createSignal(PAGE);
  const [deleting, setDeleting] = createSignal<ChatSummary | null>(null);
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  // Built the first time it can be seen, then kept (the drawer closes with its content in place).
  const built = createMemo<boolean>((before) => before || props.visible, false);

  const [chats] = createQuery({
    query: ChatListQuery,
    variables: () => ({ first: first(), search: search() || null }),
    pause: () => !props.active,
  });
  const [, updateChat] = createMutation(UpdateChatMutation);
  const [, deleteChat] = createMutation(DeleteChatMutation);

  const list = createMemo(() =>
    (chats.data?.chats.edges ?? [])
      .map((edge) => edge.node)
      .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt)),
  );

  createEffect(
    on(list, (chats) => chats.length > 0 && prefetchRecentChats(chats.map((chat) => chat.id)), {
      defer: true,
    }),
  );

  const confirmDelete = async () => {
    const chat = deleting();
    setDeleting(null);
    if (!chat) return;
    await deleteChat({ id: chat.id });
    if (location.pathname === `/chats/${chat.id}`) navigate("/");
  };

  return (
    <nav id="sidebar" class="sidebar" classList={{ "sidebar--open": props.open }} aria-label={t("nav.chats")}>
      {/* A phone's closed drawer stays empty: its data is loaded (and cached for offline) all the same. */}
      <Show when={built()}>
        <div class="sidebar-top">
          <A href="/" class="button button--primary sidebar-new" onClick={props.onNavigate}>
            <Icon name="plus" />
            {t("sidebar.newChat")}
          </A>
          <button type="button" class="button button--ghost on-dark drawer-close" onClick={props.onClose}>
            <Icon name="close" />
            <span class="visually-hidden">{t("nav.closeChats")}</span>
          </button>
        </div>
        <div class="sidebar-search">
          <label for="chat-search" class="visually-hidden">
            {t("sidebar.search")}
          </label>
          <input
            id="chat-search"
            class="input"
            type="search"
            placeholder={t("sidebar.searchPlaceholder")}
            onInput={(event) => {
              const value = event.currentTarget.value.trim();
              clearTimeout(searchTimer);
              searchTimer = setTimeout(() => setSearch(value), 250);
            }}
          />
        </div>
        <ul class="chat-list">
          <For each={list()}>
            {(chat) => (
              <ChatListItem
                chat={chat}
                onNavigate={props.onNavigate}
                onIntent={() => prefetchChat(chat.id)}
                onRename={(title) => void updateChat({ id: chat.id, input: { title } })}
                onDelete={() => setDeleting(chat)}
              />
            )}
          </For>
        </ul>
        <Show when={!chats.fetching && list().length === 0}>
          <p class="sidebar-empty">{search() ? t("sidebar.noResults") : t("sidebar.empty")}</p>
        </Show>
        <Show when={chats.data?.chats.pageInfo.hasNextPage}>
          <button type="button" class="button button--ghost on-dark" onClick={() => setFirst(first() + PAGE)}>
            {t("common.more")}
          </button>
        </Show>
        <div class="sidebar-bottom">
          <UsageWidget />
          <For each={pages.filter((page) => page.shownTo(session.user()))}>
            {(page) => (
              <A href={page.href} class="sidebar-link" onClick={props.onNavigate}>
                <Icon name={page.icon} />
                {t(page.label)}
              </A>
            )}
          </For>
        </div>
        <ConfirmDialog
          open={deleting() !== null}
          title={t("sidebar.delete")}
          message={t("common.confirmDelete", { name: deleting()?.title ?? "" })}
          confirmLabel={t("common.delete")}
          onConfirm={() => void confirmDelete()}
          onClose={() => setDeleting(null)}
        />
      </Show>
    </nav>
  );
}
