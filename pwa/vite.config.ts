import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

export default defineConfig({
  plugins: [solid()],
  server: { proxy: { "/graphql": { target: "http://localhost:4000", ws: false } } },
});
