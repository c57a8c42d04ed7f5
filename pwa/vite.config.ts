/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import { compression, defineAlgorithm } from "vite-plugin-compression2";
import { VitePWA } from "vite-plugin-pwa";
import solid from "vite-plugin-solid";

export default defineConfig({
  plugins: [
    solid(),
    VitePWA({
      // The app asks before it reloads into a new version ("new version available — reload").
      registerType: "prompt",
      injectRegister: null,
      manifest: {
        name: "XQT5 AI Platform",
        short_name: "XQT5 AI",
        description: "Chat with the best AI models in one place, even offline.",
        lang: "en",
        start_url: "/",
        scope: "/",
        display: "standalone",
        orientation: "any",
        theme_color: "#213452",
        background_color: "#213452",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,webmanifest}"],
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/graphql/, /^\/healthz/, /^\/readyz/],
        // The first visit is controlled at once, so it works offline; updates wait for the user's "reload".
        clientsClaim: true,
        skipWaiting: false,
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            urlPattern: ({ url }) => url.pathname.startsWith("/icons/"),
            handler: "CacheFirst",
            options: { cacheName: "icons" },
          },
        ],
      },
    }),
    // Precompressed copies (.gz, .br) next to every text asset: the API (sirv) and Nginx (gzip_static) send
    // them as they are, so a phone downloads a quarter of the bytes and no server compresses per request.
    compression({
      include: /\.(js|css|html|svg|webmanifest|json)$/,
      threshold: 1024,
      algorithms: [defineAlgorithm("gzip", { level: 9 }), defineAlgorithm("brotliCompress", {})],
      skipIfLargerOrEqual: true,
    }),
  ],
  build: { manifest: true, target: "es2022" },
  server: { proxy: { "/graphql": { target: "http://localhost:4000", ws: false } } },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test-setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
