export interface VoicemailBoxRow {
  extensionId: string;
  number: string;
  displayName: string;
  hasPin: boolean;
  box: {
    id: string;
    enabled: boolean;
    maxMessageSeconds: number;
    maxMessages: number;
    email: string | null;
    messages: number;
    unheard: number;
  } | null;
}

export interface VoicemailMessage {
  id: string;
  callerNumber: string;
  callerName: string | null;
  durationSeconds: number;
  heard: boolean;
  createdAt: string;
}
