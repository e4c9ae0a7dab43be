// The web app's build: Preact (JSX through Vite's own transformer, no plugin), one entry, hashed assets, no inline
// script (the strict CSP allows only 'self'), no module-preload polyfill (it would be inline). `web/build.ts` runs it.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: false,
    emptyOutDir: true,
  },
  logLevel: 'warn',
});
