import { defineConfig } from "vite";

// The app lives in src/ (index.html included, so turbo's `src/**` input hashes it);
// the build lands in dist/, which core-server serves. No CDN: every byte is bundled.
export default defineConfig({
  root: "src",
  base: "/",
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 1024,
  },
});
