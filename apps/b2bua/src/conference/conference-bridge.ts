import { ConferenceMixer, type Clock } from '@switchboard/media';

/**
 * The rooms with someone in them in this signalling process: one ConferenceMixer per room number,
 * made on the first join and dropped when the last participant leaves. A room lives in the process
 * that took its first caller; with several signalling processes a Kamailio dispatcher must send a
 * room's number to one of them (DESIGN: scale beyond one box).
 */
export class ConferenceBridge {
  private readonly rooms = new Map<string, ConferenceMixer>();

  constructor(private readonly clock: Clock) {}

  /** The room's mixer, made with the room's current participant bound if it is not running yet. */
  mixer(room: string, maxParticipants: number): ConferenceMixer {
    let mixer = this.rooms.get(room);
    if (!mixer) {
      mixer = new ConferenceMixer({ clock: this.clock, maxParticipants });
      this.rooms.set(room, mixer);
    }
    return mixer;
  }

  /** Participants in a room now (0 when it is not running). */
  size(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  /** Closes a room whoever is still in it (an ad-hoc room ends with its call). */
  close(room: string): void {
    this.rooms.get(room)?.close();
    this.rooms.delete(room);
  }

  /** Takes a participant out; the room closes with its last one. */
  leave(room: string, participant: string): void {
    const mixer = this.rooms.get(room);
    if (!mixer) return;
    mixer.leave(participant);
    if (mixer.size === 0) {
      mixer.close();
      this.rooms.delete(room);
    }
  }
}
