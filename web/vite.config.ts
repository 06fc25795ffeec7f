import { defineConfig } from 'vite';

// Relative asset paths: the bundle is embedded in heapdog.dll and served from the server's root.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
});
