import { mount } from "svelte";
import { isTauri } from "@tauri-apps/api/core";
import App from "./App.svelte";
import "./app.css";

async function start(): Promise<void> {
  // `npm run dev` in a plain browser has no Rust side: use an in-memory fake.
  // `import.meta.env.DEV` is false in `vite build`, so none of it ships.
  if (import.meta.env.DEV && !isTauri()) {
    const { installMockBackend } = await import("./dev/mockBackend");
    installMockBackend(new URLSearchParams(window.location.search));
  }
  const target = document.getElementById("app");
  if (target) mount(App, { target });
}

void start();
