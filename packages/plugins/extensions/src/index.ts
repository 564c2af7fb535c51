import { PASS, definePlugin, type RoutingPlanInput } from '@switchboard/plugin-sdk';
import { z } from 'zod';

const afterFailure = z.enum(['voicemail', 'reject']);

export const configSchema = z.strictObject({
  /** How long the extension's phones ring before the call counts as unanswered. */
  ringSeconds: z.number().int().min(5).max(300).default(20),
  /** Unanswered calls: the extension's mailbox when it has one, or 480 to the caller. */
  onNoAnswer: afterFailure.default('voicemail'),
  /** Busy (at its concurrent-call limit, or a phone answered 486): the mailbox, or 486 to the caller. */
  onBusy: afterFailure.default('voicemail'),
  /**
   * Every phone declined (603, or a 6xx that ends the search per RFC 3261 §16.7): the mailbox, as the
   * callee chose not to talk now, or the decline relayed to the caller.
   */
  onDecline: afterFailure.default('voicemail'),
});

/**
 * Dials every registered contact of the dialled extension in parallel (the B2BUA forks to each
 * binding), then voicemail if the extension has a mailbox (no answer, busy, declined), otherwise 480,
 * 486 or the phone's decline (RFC 3261 §21.4, §21.6).
 * Destinations that are not an extension pass to the next plugin.
 */
export default definePlugin({
  id: 'extensions',
  version: '0.1.0',
  description: 'Ring the registered phones of the dialled extension, then its voicemail',
  configSchema,
  async route(call, api): Promise<RoutingPlanInput | typeof PASS> {
    const ext = await api.extensions.get(call.destination);
    if (!ext) return PASS;
    const mailbox = ext.hasVoicemail ? ext.number : undefined;
    if (!ext.enabled) return { steps: [{ type: 'reject', status: 480, reason: 'Extension Disabled' }] };

    const busy =
      ext.maxConcurrentCalls > 0 && (await api.calls.activeCount(ext.number)) >= ext.maxConcurrentCalls;
    if (busy) {
      return mailbox && api.config.onBusy === 'voicemail'
        ? { steps: [{ type: 'voicemail', mailbox }] }
        : { steps: [{ type: 'reject', status: 486, reason: 'Busy Here' }] };
    }
    const contacts = await api.registrations.contacts(ext.number);
    if (contacts.length === 0) {
      return mailbox && api.config.onNoAnswer === 'voicemail'
        ? { steps: [{ type: 'voicemail', mailbox }] }
        : { steps: [{ type: 'reject', status: 480, reason: 'Temporarily Unavailable' }] };
    }
    const toMailbox = mailbox ? ({ type: 'voicemail', mailbox } as const) : undefined;
    return {
      steps: [
        {
          type: 'dial',
          mode: 'parallel',
          targets: [{ kind: 'extension', extension: ext.number }],
          ringTimeoutSeconds: api.config.ringSeconds,
          onFailure: {
            ...(toMailbox && api.config.onNoAnswer === 'voicemail' ? { 'no-answer': toMailbox } : {}),
            ...(toMailbox && api.config.onBusy === 'voicemail' ? { busy: toMailbox } : {}),
            ...(toMailbox && api.config.onDecline === 'voicemail' ? { declined: toMailbox } : {}),
          },
        },
      ],
    };
  },
});
