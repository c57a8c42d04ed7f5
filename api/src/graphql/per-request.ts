// Values computed once per request and shared by every field that needs them (a list's counts, one
// query for all rows instead of one per row).

const memos = new WeakMap<object, Map<string, Promise<unknown>>>();

export function oncePerRequest<T>(context: object, key: string, load: () => Promise<T>): Promise<T> {
  let memo = memos.get(context);
  if (!memo) {
    memo = new Map();
    memos.set(context, memo);
  }
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    memo.set(key, value);
  }
  return value;
}
