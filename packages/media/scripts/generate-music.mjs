#!/usr/bin/env node
// Writes the default music on hold (packages/media/music/default.wav, 8 kHz µ-law mono) from
// composeDefaultMusic() in src/music/default-music.ts. The file is committed; re-run after changing
// the composition:  pnpm --filter @switchboard/media music
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'index.js');
if (!existsSync(dist)) {
  console.error('build @switchboard/media first (pnpm --filter @switchboard/media build)');
  process.exit(1);
}
const { composeDefaultMusic, defaultMusicPath, ulawEncode, writeWav } = await import(dist);
const file = defaultMusicPath();
mkdirSync(dirname(file), { recursive: true });
const bytes = writeWav({ encoding: 'mulaw', sampleRate: 8000, data: ulawEncode(composeDefaultMusic()) });
writeFileSync(file, bytes);
console.log(`${file}: ${bytes.length} bytes`);
