/** What an in-conference key sequence asks for. */
export type ConferenceKeyAction = 'toggle-mute' | 'leave';

/**
 * In-conference keys (RFC 4733 digits, one call of `press` per key press): a sequence starts with
 * `*` so that digits meant for something else (a far-end IVR reached through the room) do nothing.
 *
 * | keys | action |
 * | `*6` | mute / unmute yourself |
 * | `*#` | leave the conference |
 *
 * Any other key after `*` cancels the sequence; `**` keeps it armed.
 */
export class ConferenceKeypad {
  private armed = false;

  press(digit: string): ConferenceKeyAction | undefined {
    if (!this.armed) {
      this.armed = digit === '*';
      return undefined;
    }
    if (digit === '*') return undefined;
    this.armed = false;
    if (digit === '6') return 'toggle-mute';
    if (digit === '#') return 'leave';
    return undefined;
  }
}
