#!/usr/bin/env node
// Generates the default voicemail prompts (packages/media/prompts/<lang>/<id>.wav, 8 kHz µ-law) with
// espeak-ng. The generated files are committed: tests and the PBX never need espeak-ng, and the
// output would otherwise change with the espeak-ng version of whoever builds. Re-run after editing
// DEFAULT_PROMPTS in src/audio/default-prompts.ts:  pnpm --filter @switchboard/media prompts
// `--check` only verifies that every prompt file exists and is valid (no espeak-ng needed).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'index.js');
if (!existsSync(dist)) {
  console.error('build @switchboard/media first (pnpm --filter @switchboard/media build)');
  process.exit(1);
}
const media = await import(dist);
const { DEFAULT_PROMPTS, readWav, writeWav, wavSamples, resample, ulawEncode, wavDurationMs } = media;

const LANGUAGE = 'en';
const VOICE = 'en-us';
const WORDS_PER_MINUTE = '150';
const RATE = 8000;
const outDir = join(here, '..', 'prompts', LANGUAGE);

function check() {
  const problems = [];
  let bytes = 0;
  for (const id of Object.keys(DEFAULT_PROMPTS)) {
    const file = join(outDir, `${id}.wav`);
    if (!existsSync(file)) {
      problems.push(`${id}: missing`);
      continue;
    }
    const buf = readFileSync(file);
    bytes += buf.length;
    try {
      const wav = readWav(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
      if (wav.encoding !== 'mulaw' || wav.sampleRate !== RATE)
        problems.push(`${id}: ${wav.encoding} ${wav.sampleRate} Hz`);
    } catch (err) {
      problems.push(`${id}: ${err.message}`);
    }
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`${Object.keys(DEFAULT_PROMPTS).length} prompts OK, ${(bytes / 1024).toFixed(0)} KiB`);
}

function ensureEspeak() {
  if (spawnSync('espeak-ng', ['--version']).status === 0) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || spawnSync('apt-get', ['--version']).status !== 0) {
    console.error('espeak-ng is missing: install it (Debian: apt-get install espeak-ng) and re-run');
    process.exit(1);
  }
  console.log('installing espeak-ng from Debian…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', 'espeak-ng'], { stdio: 'inherit', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    r = spawnSync('apt-get', ['install', '-y', 'espeak-ng'], { stdio: 'inherit', env });
  }
  if (r.status !== 0) process.exit(1);
}

/** Drops leading/trailing near-silence, keeping 60 ms of margin, and sets the peak to -3 dBFS. */
function trimAndNormalise(samples) {
  const threshold = 300;
  let start = samples.findIndex((s) => Math.abs(s) > threshold);
  if (start < 0) return samples;
  let end = samples.length - 1;
  while (end > start && Math.abs(samples[end]) <= threshold) end--;
  const margin = (RATE * 60) / 1000;
  start = Math.max(0, start - margin);
  end = Math.min(samples.length, end + margin);
  const out = samples.slice(start, end);
  const peak = out.reduce((m, s) => Math.max(m, Math.abs(s)), 1);
  const gain = (0.708 * 32767) / peak;
  return out.map((s) => Math.max(-32768, Math.min(32767, Math.round(s * gain))));
}

function generate() {
  ensureEspeak();
  const version = spawnSync('espeak-ng', ['--version'], { encoding: 'utf8' }).stdout.trim();
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'prompts-'));
  const manifest = {
    generator: version,
    voice: VOICE,
    wordsPerMinute: Number(WORDS_PER_MINUTE),
    format: 'WAV µ-law 8 kHz mono',
    prompts: {},
  };
  try {
    for (const [id, text] of Object.entries(DEFAULT_PROMPTS)) {
      const raw = join(tmp, `${id}.wav`);
      const r = spawnSync('espeak-ng', ['-v', VOICE, '-s', WORDS_PER_MINUTE, '-w', raw, text], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`espeak-ng failed for ${id}: ${r.stderr}`);
      const buf = readFileSync(raw);
      const wav = readWav(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
      const pcm = trimAndNormalise(resample(wavSamples(wav), wav.sampleRate, RATE));
      const out = writeWav({ encoding: 'mulaw', sampleRate: RATE, data: ulawEncode(pcm) });
      writeFileSync(join(outDir, `${id}.wav`), out);
      const durationMs = Math.round(wavDurationMs(readWav(out)));
      manifest.prompts[id] = { text, file: `${id}.wav`, durationMs, bytes: out.length };
      console.log(`${id.padEnd(20)} ${String(durationMs).padStart(5)} ms  ${text}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

if (process.argv.includes('--check')) check();
else {
  generate();
  check();
}
