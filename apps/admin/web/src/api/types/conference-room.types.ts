/** A conference room (`/api/conference-rooms`); the PIN is write-only. */
export interface ConferenceRoom {
  id: string;
  number: string;
  name: string;
  enabled: boolean;
  hasPin: boolean;
  maxParticipants: number;
  announceJoin: boolean;
  createdAt: string;
  updatedAt: string;
}
