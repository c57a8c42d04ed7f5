// Same origin by default; a static build for another host sets VITE_API_BASE at build time.
export const apiBase = (import.meta.env.VITE_API_BASE ?? "").replace(/\/$/, "");
export const graphqlUrl = `${apiBase}/graphql`;
export const streamUrl = `${apiBase}/graphql/stream`;
