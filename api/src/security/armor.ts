import { EnvelopArmor } from "@escape.tech/graphql-armor";
import type { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

export interface ArmorSettings {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** "Did you mean …?" hints help developers and attackers alike: off in production. */
  blockFieldSuggestions: boolean;
}

// Armor reports a bare "Syntax Error: …"; give it our code and a 400 so clients can tell it apart.
const tagRejection = {
  onReject: [
    (_context: unknown, error: GraphQLError) => {
      Object.assign(error.extensions as Record<string, unknown>, {
        code: "QUERY_TOO_COMPLEX",
        http: { status: 400 },
      });
    },
  ],
};

/**
 * Limits from the OWASP GraphQL cheat sheet (GraphQL Armor): depth, aliases, directives, tokens and
 * an estimated cost per operation. A rejected operation answers HTTP 400 with
 * extensions.code QUERY_TOO_COMPLEX and a message naming the limit.
 */
export function armorPlugins(settings: ArmorSettings): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: { n: settings.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...tagRejection },
    maxAliases: { n: settings.maxAliases, allowList: [], ...tagRejection },
    maxDirectives: { n: settings.maxDirectives, ...tagRejection },
    maxTokens: { n: settings.maxTokens, ...tagRejection },
    costLimit: { maxCost: settings.maxCost, ignoreIntrospection: true, ...tagRejection },
    blockFieldSuggestion: { enabled: settings.blockFieldSuggestions },
  });
  return armor.protect().plugins as Plugin[];
}
