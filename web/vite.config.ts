import { defineConfig } from 'vite';

// The dashboard is served by the sangam core as static files from dist/.
// During `npm run dev`, API and WebSocket calls are proxied to a running core
// (SANGAM_DEV_API, default http://127.0.0.1:8080). The core rejects cookie-authenticated
// writes whose Origin differs from its own host (csrf_failed), so the proxy rewrites
// Origin to the target's.
const target = process.env.SANGAM_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      // react-router, TanStack Query and lucide-react mark their files "use client" for React Server
      // Components; a client-only bundle has nothing to do with it, so the warning is noise here.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('"use client"')) return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': {
        target,
        changeOrigin: true,
        ws: true,
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => req.setHeader('origin', target));
          proxy.on('proxyReqWs', (req) => req.setHeader('origin', target));
        },
      },
      '/healthz': { target, changeOrigin: true },
    },
  },
});
