import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed GraphQL documents for the PWA, generated from the API's committed schema.
const config: CodegenConfig = {
  schema: "api/schema.graphql",
  documents: ["pwa/src/**/*.{ts,tsx}", "!pwa/src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    "pwa/src/gql/": {
      preset: "client",
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: "string", JSON: "unknown" } },
      // persisted-documents.json (hash → operation) lets the API accept only the PWA's operations.
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } },
    },
  },
};

export default config;
