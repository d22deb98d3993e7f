/**
 * Compiles the WebAssembly text sources of lib/reader/wasm/ (`*.wat`) to dist/lib/reader/wasm/*.wasm with wabt
 * (a devDependency: the compiled module is part of the build, never committed), validating each.
 * `npm run build` runs it after tsc.
 *
 *   node dist/scripts/build-wasm.js
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import wabt from 'wabt';
import { findProjectRoot } from '../lib/notebook/kernel';
import { writeFileAtomic } from '../lib/files';

async function main(): Promise<void> {
  const root = findProjectRoot(__dirname);
  const sources = path.join(root, 'lib', 'reader', 'wasm');
  const target = path.join(root, 'dist', 'lib', 'reader', 'wasm');
  const compiler = await wabt();
  fs.mkdirSync(target, { recursive: true });
  for (const name of fs.readdirSync(sources).filter((file) => file.endsWith('.wat'))) {
    const source = path.join(sources, name);
    const module = compiler.parseWat(path.relative(root, source), fs.readFileSync(source, 'utf8'));
    try {
      module.resolveNames();
      module.validate();
      const { buffer } = module.toBinary({ canonicalize_lebs: true });
      writeFileAtomic(path.join(target, name.replace(/\.wat$/, '.wasm')), Buffer.from(buffer));
    } finally {
      module.destroy();
    }
  }
}

main().catch((error: unknown) => {
  console.error(`build-wasm: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
