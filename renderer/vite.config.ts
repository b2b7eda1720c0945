// Builds the dashboard into renderer/dist. `base: './'` so the same build works
// under the core's /ui/ prefix, from file:// in the Electron window, and at /.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: './',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
});
