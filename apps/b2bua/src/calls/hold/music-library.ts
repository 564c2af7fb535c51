import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@switchboard/config';
import { DEFAULT_MUSIC_CLASS, MUSIC_CLASS_PATTERN, musicClassDir } from '@switchboard/db';
import { defaultMusicPath, MusicPlaylist, musicTrackFromWav } from '@switchboard/media';

interface Loaded {
  /** File names, sizes and modification times: the cache is fresh while they stay the same. */
  readonly stamp: string;
  readonly tracks: readonly Int16Array[];
}

/**
 * The music classes of <data dir>/moh/<class>/*.wav (mono PCM16, µ-law or A-law at any rate; files
 * played by name). Tracks are decoded and resampled once and kept until the directory changes. A
 * class without readable files falls back to `default`, and that to the tune shipped with
 * @switchboard/media, so a held party always has music; unreadable files are logged and skipped.
 */
export class MusicLibrary {
  private readonly cache = new Map<string, Loaded>();
  private shipped: Int16Array | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
    private readonly shuffle: boolean,
  ) {}

  async playlist(musicClass: string): Promise<MusicPlaylist> {
    const tracks = (await this.tracksOf(musicClass)) ??
      (musicClass === DEFAULT_MUSIC_CLASS ? undefined : await this.tracksOf(DEFAULT_MUSIC_CLASS)) ?? [
        await this.shippedTune(),
      ];
    return new MusicPlaylist(tracks, { shuffle: this.shuffle });
  }

  private async tracksOf(musicClass: string): Promise<readonly Int16Array[] | undefined> {
    if (!MUSIC_CLASS_PATTERN.test(musicClass)) return undefined;
    const dir = musicClassDir(this.dataDir, musicClass);
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter((n) => n.toLowerCase().endsWith('.wav')).sort();
    } catch {
      return undefined; // no such class directory
    }
    const stats = await Promise.all(names.map((n) => fs.stat(path.join(dir, n)).catch(() => undefined)));
    const stamp = names.map((n, i) => `${n}:${stats[i]?.size}:${stats[i]?.mtimeMs}`).join('|');
    const cached = this.cache.get(musicClass);
    if (cached?.stamp === stamp) return cached.tracks.length > 0 ? cached.tracks : undefined;
    const tracks: Int16Array[] = [];
    for (const name of names) {
      try {
        const bytes = await fs.readFile(path.join(dir, name));
        const track = musicTrackFromWav(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        if (track.length > 0) tracks.push(track);
      } catch (err) {
        this.logger.warn({ musicClass, file: name, err }, 'music on hold file skipped');
      }
    }
    this.cache.set(musicClass, { stamp, tracks });
    return tracks.length > 0 ? tracks : undefined;
  }

  private async shippedTune(): Promise<Int16Array> {
    if (!this.shipped) {
      const bytes = await fs.readFile(defaultMusicPath());
      this.shipped = musicTrackFromWav(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    return this.shipped;
  }
}
