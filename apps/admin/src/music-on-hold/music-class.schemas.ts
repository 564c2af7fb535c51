import { z } from 'zod';

/** A music-on-hold class on disk: `<data dir>/moh/<name>/*.wav`. */
export const musicClassViewSchema = z.object({
  name: z.string(),
  /** WAV files in it; `default` with none plays the tune shipped with the PBX. */
  tracks: z.number().int(),
});
