import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listMusicClasses, MUSIC_CLASS_PATTERN, musicClassDir } from '../src/music-classes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-moh-'));
  dirs.push(d);
  return d;
}

describe('music classes', () => {
  it('no moh directory: only the shipped default', async () => {
    expect(await listMusicClasses(dataDir())).toEqual([{ name: 'default', tracks: 0 }]);
  });

  it('lists class directories with their WAV count; files and names that are no class are left out', async () => {
    const d = dataDir();
    for (const cls of ['sales', 'default', 'bad name', '.hidden'])
      fs.mkdirSync(musicClassDir(d, cls), { recursive: true });
    fs.writeFileSync(path.join(musicClassDir(d, 'sales'), 'a.wav'), '');
    fs.writeFileSync(path.join(musicClassDir(d, 'sales'), 'B.WAV'), '');
    fs.writeFileSync(path.join(musicClassDir(d, 'sales'), 'notes.txt'), '');
    fs.writeFileSync(path.join(d, 'moh', 'loose.wav'), '');
    expect(await listMusicClasses(d)).toEqual([
      { name: 'default', tracks: 0 },
      { name: 'sales', tracks: 2 },
    ]);
  });

  it('class names are safe directory names of at most 32 characters', () => {
    expect(MUSIC_CLASS_PATTERN.test('support_2-b')).toBe(true);
    for (const bad of ['', '..', '../etc', 'a/b', '-x', 'a b', 'x'.repeat(33)]) {
      expect(MUSIC_CLASS_PATTERN.test(bad)).toBe(false);
    }
  });
});
