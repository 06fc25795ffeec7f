import { defineConfig, type Plugin } from 'vite';

// The script and stylesheet go inside index.html: the server then serves one file, whatever its routing of others.
function inlineBundle(): Plugin {
  return {
    name: 'heapdog-inline-bundle',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = bundle['index.html'];
      if (!html || html.type !== 'asset') return;
      let source = String(html.source);
      for (const [name, item] of Object.entries(bundle)) {
        if (item.type === 'chunk' && item.isEntry) {
          const code = item.code.replace(/<\/script/gi, '<\\/script');
          source = source.replace(new RegExp(`<script type="module" crossorigin src="[^"]*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"></script>`), () => `<script type="module">${code}</script>`);
          delete bundle[name];
        } else if (item.type === 'asset' && name.endsWith('.css')) {
          const css = String(item.source);
          source = source.replace(new RegExp(`<link rel="stylesheet" crossorigin href="[^"]*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">`), () => `<style>${css}</style>`);
          delete bundle[name];
        }
      }
      html.source = source;
    },
  };
}

// Relative asset paths: the bundle is embedded in Heapdog.Server.dll and served from the server's root.
export default defineConfig({
  base: './',
  plugins: [inlineBundle()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
});
