// Bundles src/main/js/doc/main.js (Yjs, y-protocols, y-websocket, CodeMirror 6, y-codemirror.next,
// all pinned in package-lock.json) into target/classes/parley-demo/doc.bundle.js. Run by Maven.
import * as esbuild from 'esbuild'

await esbuild.build({
  entryPoints: ['src/main/js/doc/main.js'],
  bundle: true,
  format: 'iife',
  target: ['es2020'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  outfile: 'target/classes/parley-demo/doc.bundle.js',
  logLevel: 'warning'
})
console.log('bundled target/classes/parley-demo/doc.bundle.js')
