import { createQuery } from "@urql/solid";
import type { ModelsQuery } from "../gql/graphql";
import { ModelsQuery as ModelsDocument } from "./operations";

export type Model = ModelsQuery["models"][number];

/** The model catalogue (cached; also offline). */
export function createModels() {
  const [models] = createQuery({ query: ModelsDocument });
  const list = () => models.data?.models ?? [];
  return {
    list,
    find: (id: string | null | undefined): Model | undefined => list().find((model) => model.id === id),
    defaultModel: (): Model | undefined =>
      list().find((model) => model.isDefault && model.available) ?? list().find((model) => model.available),
  };
}
