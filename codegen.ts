import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";

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
      // The PWA's normalised cache needs __typename everywhere; persisted documents must ask for it too.
      documentTransforms: [addTypenameSelectionDocumentTransform],
    },
  },
};

export default config;
