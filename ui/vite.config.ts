import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Tauri serves `dist/` through its own protocol with a strict CSP (no inline
// scripts, no eval, no remote origins), so the build must stay self-contained.
export default defineConfig({
  plugins: [svelte()],
  // Tauri expects a fixed dev port and must see Rust errors in the terminal.
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**", "**/target/**"] },
  },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebView2 (Chromium) on Windows, WKWebView/WebKitGTK elsewhere.
    target: ["es2022", "chrome111", "safari16"],
    // Inlined assets would become data: URLs for scripts/fonts; keep files.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    pool: "threads",
    maxWorkers: 1,
  },
});
