import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import type { Plugin } from "graphql-yoga";
import type { AppConfig } from "../config/env.js";
import { armorPlugins } from "./armor.js";
import { useInputHygiene } from "./input-hygiene.js";
import type { PersistedOperations } from "./persisted-operations.js";
import { useRateLimits } from "./rate-limit-plugin.js";
import type { RateLimiters } from "./rate-limiters.js";
import { useReadOnlyApiKeys } from "./read-only-plugin.js";

/** Everything that keeps the public GraphQL endpoint safe, in one place. */
export function securityPlugins(
  config: AppConfig,
  rateLimiters: RateLimiters,
  persisted: PersistedOperations,
): Plugin[] {
  return [
    persisted.plugin(),
    ...armorPlugins({
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxAliases: config.GRAPHQL_MAX_ALIASES,
      maxDirectives: config.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: config.GRAPHQL_MAX_TOKENS,
      maxCost: config.GRAPHQL_MAX_COST,
      blockFieldSuggestions: config.NODE_ENV === "production",
    }),
    ...(config.GRAPHQL_INTROSPECTION ? [] : [useDisableIntrospection() as Plugin]),
    useInputHygiene(),
    useReadOnlyApiKeys,
    useRateLimits(rateLimiters),
  ];
}
