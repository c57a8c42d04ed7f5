import { createQuery } from "@urql/solid";
import { createMemo, createSignal, mapArray } from "solid-js";
import type { AuditFilterInput } from "./audit-filter";
import { AuditLogQuery } from "./operations";

const PAGE = 50;

/**
 * The audit log, newest first, 50 entries at a time: one query per page loaded (the next one after the
 * last page's end). Another filter starts again from the first page.
 */
export function createAuditPages(filter: () => AuditFilterInput) {
  const filterKey = () => JSON.stringify(filter());
  const [loaded, setLoaded] = createSignal<{ filterKey: string; cursors: string[] }>({
    filterKey: "",
    cursors: [],
  });
  const cursors = createMemo((): (string | null)[] => [
    null,
    ...(loaded().filterKey === filterKey() ? loaded().cursors : []),
  ]);
  const pages = mapArray(cursors, (after) => {
    const [page] = createQuery({
      query: AuditLogQuery,
      variables: () => ({ filter: filter(), first: PAGE, after }),
    });
    return page;
  });
  const lastPage = () => pages().at(-1)?.data?.auditLog.pageInfo;

  return {
    entries: () => pages().flatMap((page) => page.data?.auditLog.edges.map((edge) => edge.node) ?? []),
    fetching: () => pages().some((page) => page.fetching),
    /** Whether any page has arrived (until then the list says "loading", not "empty"). */
    loaded: () => pages().every((page) => page.data !== undefined),
    error: () => pages().find((page) => page.error)?.error,
    hasMore: () => lastPage()?.hasNextPage === true && Boolean(lastPage()?.endCursor),
    loadMore: () => {
      const end = lastPage()?.endCursor;
      if (end) setLoaded({ filterKey: filterKey(), cursors: [...cursors().slice(1), end] as string[] });
    },
  };
}
