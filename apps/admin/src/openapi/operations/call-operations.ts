import { callFilterSchema, callHistoryQuerySchema } from '../../calls/call-history.schemas.js';
import { type Operation } from '../openapi-operation.js';

/** Call history, call details and the live view. */
export const callOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/calls',
    tag: 'calls',
    summary: 'Call history, newest first, filtered and paginated',
    query: callHistoryQuerySchema,
  },
  {
    method: 'get',
    path: '/api/calls/export.csv',
    tag: 'calls',
    summary: 'Call history as CSV (same filters)',
    query: callFilterSchema,
  },
  {
    method: 'get',
    path: '/api/calls/{id}',
    tag: 'calls',
    summary: 'One call: record, legs with their SIP Call-IDs, plugin, and whether a SIP trace is stored',
  },
  {
    method: 'get',
    path: '/api/calls/{id}/trace',
    tag: 'calls',
    summary: "The call's SIP ladder (columns, arrows) and every message's full text",
  },
  {
    method: 'get',
    path: '/api/calls/{id}/trace.txt',
    tag: 'calls',
    summary: "The call's SIP trace as text (text/plain)",
  },
  {
    method: 'get',
    path: '/api/calls/{id}/trace.pcap',
    tag: 'calls',
    summary: "The call's SIP trace as a pcap file (Wireshark, tshark, sngrep)",
  },
  {
    method: 'get',
    path: '/api/calls/{id}/recording.wav',
    tag: 'calls',
    summary: "The call's recording (audio/wav, stereo: caller left, callee right)",
  },
  {
    method: 'get',
    path: '/api/live/registrations',
    tag: 'live',
    summary: 'Current registrations (from Redis)',
  },
  { method: 'get', path: '/api/live/calls', tag: 'live', summary: 'Active calls (from Redis)' },
  {
    method: 'get',
    path: '/api/live/lamps',
    tag: 'live',
    summary:
      "Each extension's busy lamp (idle, dialling, ringing, busy) with the other parties, from the B2BUA's dialog states",
  },
  {
    method: 'get',
    path: '/api/live/parked',
    tag: 'live',
    summary:
      'Calls waiting in park slots: slot, parked party, who parked it, since when and when it rings the parker back',
  },
  {
    method: 'post',
    path: '/api/live/calls/{id}/hangup',
    tag: 'live',
    summary:
      'End a live call (BYE/CANCEL on every leg); 404 when no signalling process holds it, 503 when none runs, 504 when none answers in 3 s. Admins only',
  },
];
