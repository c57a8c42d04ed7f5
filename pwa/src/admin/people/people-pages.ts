import { createQuery } from "@urql/solid";
import { createMemo, createSignal, mapArray } from "solid-js";
import { AdminUsersQuery } from "./operations";
import type { Person } from "./person-actions";

const PAGE = 50;

export interface PeopleFilters {
  search: string;
  includeInactive: boolean;
}

/**
 * The organisation's people, 50 at a time: one query per page loaded ("show more" adds the next one after
 * the last page's end). Other filters start again from the first page.
 */
export function createPeoplePages(filters: () => PeopleFilters) {
  const filterKey = () => JSON.stringify(filters());
  // The cursors after the first page, for the filters they were loaded with.
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
      query: AdminUsersQuery,
      variables: () => ({
        search: filters().search || null,
        includeInactive: filters().includeInactive,
        first: PAGE,
        after,
      }),
    });
    return page;
  });
  const lastPage = () => pages().at(-1)?.data?.adminUsers.pageInfo;

  return {
    people: (): Person[] =>
      pages().flatMap((page) => page.data?.adminUsers.edges.map((edge) => edge.node) ?? []),
    total: (): number | undefined => pages()[0]?.data?.adminUsers.totalCount,
    fetching: () => pages().some((page) => page.fetching),
    error: () => pages().find((page) => page.error)?.error,
    hasMore: () => lastPage()?.hasNextPage === true && Boolean(lastPage()?.endCursor),
    loadMore: () => {
      const end = lastPage()?.endCursor;
      if (end) setLoaded({ filterKey: filterKey(), cursors: [...cursors().slice(1), end] as string[] });
    },
  };
}
