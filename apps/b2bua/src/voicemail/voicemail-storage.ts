import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pcm16Bytes, writeWav } from '@switchboard/media';

/** A relative path under the data directory that failed the containment check. */
export class VoicemailPathError extends Error {
  constructor(readonly relative: string) {
    super(`voicemail path ${JSON.stringify(relative)} is not inside the data directory`);
    this.name = 'VoicemailPathError';
  }
}

/**
 * Voicemail files under SWITCHBOARD_DATA_DIR. Database rows keep paths relative to that directory
 * (`voicemail/<mailbox>/<name>.wav`), resolved the way the admin app resolves them, so the admin can
 * play and delete what the B2BUA recorded. Writes go to a temporary file first, then a rename, so a
 * reader never sees half a WAV.
 */
export class VoicemailStorage {
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir);
  }

  messagePath(mailbox: string, callId: string): string {
    return `voicemail/${safeName(mailbox)}/msg-${safeName(callId)}.wav`;
  }

  greetingPath(mailbox: string): string {
    // A fresh name per recording: a greeting being played from the old file is not cut short.
    return `voicemail/${safeName(mailbox)}/greeting-${Date.now()}.wav`;
  }

  /** Absolute path of a stored relative path; throws VoicemailPathError for anything outside the root. */
  resolve(relative: string): string {
    const file = path.resolve(this.root, relative);
    if (!file.startsWith(this.root + path.sep)) throw new VoicemailPathError(relative);
    return file;
  }

  /** Writes 8 kHz 16-bit PCM mono (what browsers play) atomically. */
  async writeRecording(relative: string, samples: Int16Array): Promise<void> {
    const file = this.resolve(relative);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, writeWav({ encoding: 'pcm16', sampleRate: 8000, data: pcm16Bytes(samples) }));
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  read(relative: string): Promise<Buffer> {
    return readFile(this.resolve(relative));
  }

  async remove(relative: string): Promise<void> {
    await rm(this.resolve(relative), { force: true });
  }
}

/** Keeps file names to a safe alphabet (mailbox numbers may contain * or +). */
function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_') || '_';
}
