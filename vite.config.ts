import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app lives in src/web and is built to dist/web, which the Fastify process serves.
// In development, `npx vite` proxies /api to a server started with `npm run tiaodu -- serve`.
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // Hashed file names; the server caches /assets/* for a year and index.html never.
    assetsDir: 'assets',
    sourcemap: false,
    // dist/web/.vite/manifest.json: the e2e test adds up what the first route loads from it.
    manifest: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // Charts are only on a few pages: keep echarts in its own chunk, loaded with them.
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) {
            return 'echarts';
          }
          return undefined;
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:3100' },
  },
});
