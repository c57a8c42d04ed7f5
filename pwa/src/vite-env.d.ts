/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the API is (e.g. https://api.example.com); empty: the same origin. */
  readonly VITE_API_BASE?: string;
  /** "true": send persisted-operation hashes instead of query text. */
  readonly VITE_PERSISTED_OPERATIONS?: string;
}
