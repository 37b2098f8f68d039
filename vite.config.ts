/**
 * Vite build of the renderer: renderer/index.html → dist/renderer. The output is loaded from
 * Electron's app:// protocol (and from a local server in the e2e tests), so paths are relative.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The renderer's build configuration. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Electron 38 ships Chromium 140; nothing older ever loads this bundle.
    target: 'chrome130',
    // The polyfill is an inline <script>, which the page's CSP (script-src 'self') refuses.
    modulePreload: { polyfill: false },
    // Source maps would ship the whole renderer source inside the installer for no user benefit.
    sourcemap: false,
    // Never inline assets as data: URIs into JS/CSS; emitted files stay under script/style-src 'self'.
    assetsInlineLimit: 0,
  },
});
