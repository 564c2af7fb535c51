import { describe, expect, it } from 'vitest';
import { activeCallSchema, dialogChangeSchema, redisKeys, registrationBindingSchema } from '../src/index.js';

describe('live-state contract', () => {
  it('builds namespaced keys', () => {
    expect(redisKeys.registration('sip:201@pbx.test')).toBe('sb:reg:sip:201@pbx.test');
    expect(redisKeys.call('c1')).toBe('sb:call:c1');
    expect(redisKeys.extensionCalls('201')).toBe('sb:ext-calls:201');
    expect(redisKeys.pluginState('ring-group', 'last:600')).toBe('sb:plugin-state:ring-group:last:600');
    expect(redisKeys.mwiSubscriptions('sip:201@pbx.test')).toBe('sb:mwi-subs:sip:201@pbx.test');
    expect(redisKeys.mwiNotifySeq('sip:201@pbx.test')).toBe('sb:mwi-seq:sip:201@pbx.test');
    expect(redisKeys.mwiChanges('pbx.test')).toBe('sb:mwi-changes:pbx.test');
    expect(redisKeys.extensionDialogs('201')).toBe('sb:ext-dialogs:201');
    expect(redisKeys.dialogSubscriptions('sip:201@pbx.test')).toBe('sb:dialog-subs:sip:201@pbx.test');
  });

  it('reads a dialog change and refuses an unknown dialog state', () => {
    const dialog = { id: 'd1', state: 'early', direction: 'recipient', remote: 'sip:100@x', startedAt: 1 };
    expect(dialogChangeSchema.parse({ resource: '201', dialog }).dialog.state).toBe('early');
    expect(
      dialogChangeSchema.safeParse({ resource: '201', dialog: { ...dialog, state: 'ringing' } }).success,
    ).toBe(false);
  });

  it('reads an active call hash (all strings in Redis) into numbers', () => {
    expect(
      activeCallSchema.parse({
        id: 'c1',
        state: 'ringing',
        from: 'sip:100@x',
        to: 'sip:201@x',
        startedAt: '1700000000000',
      }),
    ).toMatchObject({ startedAt: 1_700_000_000_000 });
  });

  it('refuses a binding without expiry', () => {
    expect(registrationBindingSchema.safeParse({ aor: 'sip:1@x', contact: 'sip:1@y' }).success).toBe(false);
  });
});
