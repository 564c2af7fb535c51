import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeClock } from '@switchboard/transactions';
import { parseSdp } from '@switchboard/sdp';
import { readWav, wavSamples } from '@switchboard/media';
import { afterAll, describe, expect, it } from 'vitest';
import { DepositRecorder, type DepositResult } from '../src/voicemail/deposit-recorder.js';
import { answerOffer, localOffer, readAnswer, readOffer } from '../src/voicemail/media-negotiation.js';
import { VoicemailPathError, VoicemailStorage } from '../src/voicemail/voicemail-storage.js';
import { voicemailJobId, voicemailJobSchema } from '../src/voicemail/voicemail-job.js';
import { refusalOf } from '../src/voicemail/voicemail-deposit-call.js';

/** A 20 ms frame at a constant level (a square wave of that amplitude has that RMS). */
function frame(level: number): Int16Array {
  return Int16Array.from({ length: 160 }, (_, i) => (i % 2 ? level : -level));
}

function recorder(options: Partial<{ maxMessageMs: number; silenceMs: number }> = {}) {
  const clock = new FakeClock();
  const played: string[] = [];
  const results: DepositResult[] = [];
  let stops = 0;
  const r = new DepositRecorder(
    clock,
    { maxMessageMs: options.maxMessageMs ?? 60_000, silenceMs: options.silenceMs ?? 5000, silenceLevel: 250 },
    {
      play: (what) => played.push(what),
      stopPlayback: () => (stops += 1),
      finished: (result) => results.push(result),
    },
  );
  /** Sends `ms` of audio at `level`, one frame per 20 ms of clock time. */
  const talk = (ms: number, level: number): void => {
    for (let t = 0; t < ms; t += 20) {
      r.audio(frame(level));
      clock.advance(20);
    }
  };
  return { clock, r, played, results, talk, stops: () => stops };
}

describe('DepositRecorder (greeting → beep → recording → done) on a fake clock', () => {
  it('plays greeting then beep, records only after the beep, stops on #', () => {
    const { r, played, results, talk } = recorder();
    r.start();
    expect(r.state).toBe('greeting');
    talk(400, 5000); // the caller talks over the greeting: not recorded
    r.playbackEnded('greeting');
    expect(r.state).toBe('beep');
    r.playbackEnded('greeting'); // a stale report changes nothing
    expect(r.state).toBe('beep');
    r.playbackEnded('beep');
    expect(r.state).toBe('recording');
    talk(2000, 5000);
    r.digit('5'); // other keys are ignored
    r.digit('#');
    expect(played).toEqual(['greeting', 'beep']);
    expect(r.state).toBe('done');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ reason: 'dtmf', durationMs: 2000 });
    expect(results[0]?.samples.length).toBe(16_000);
    r.digit('#');
    r.stop('hangup');
    expect(results).toHaveLength(1);
  });

  it('# during the greeting skips it (playback stopped, beep next)', () => {
    const { r, played, stops } = recorder();
    r.start();
    r.digit('#');
    expect(stops()).toBe(1);
    expect(r.state).toBe('beep');
    expect(played).toEqual(['greeting', 'beep']);
  });

  it('silence ends the recording after silenceMs and the quiet tail is cut off', () => {
    const { r, clock, results, talk } = recorder({ silenceMs: 3000 });
    r.start();
    r.playbackEnded('greeting');
    r.playbackEnded('beep');
    talk(1500, 3000); // the last loud frame arrives at t = 1480 ms
    talk(2960, 50); // below the level, until t = 4460 ms
    expect(results).toHaveLength(0);
    clock.advance(20); // 3 s after the last sound
    expect(results[0]).toMatchObject({ reason: 'silence', durationMs: 1500 });
  });

  it('sound re-arms the silence timer; no RTP at all also counts as silence', () => {
    const { r, clock, results, talk } = recorder({ silenceMs: 3000 });
    r.start();
    r.playbackEnded('greeting');
    r.playbackEnded('beep');
    talk(2000, 50);
    talk(200, 4000); // sound at 2.0-2.2 s
    talk(2000, 50);
    expect(results).toHaveLength(0); // 2 s of quiet since the sound
    clock.advance(1000); // nothing arrives at all
    expect(results[0]?.reason).toBe('silence');
    expect(results[0]?.durationMs).toBe(2200);
  });

  it('stops at the maximum length with exactly that much audio', () => {
    const { r, results, talk } = recorder({ maxMessageMs: 1000, silenceMs: 0 });
    r.start();
    r.playbackEnded('greeting');
    r.playbackEnded('beep');
    talk(1500, 4000);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ reason: 'max-length', durationMs: 1000 });
  });

  it('the maximum length also ends a recording when no audio arrives (timer)', () => {
    const { r, clock, results } = recorder({ maxMessageMs: 1000, silenceMs: 0 });
    r.start();
    r.playbackEnded('greeting');
    r.playbackEnded('beep');
    clock.advance(999);
    expect(results).toHaveLength(0);
    clock.advance(1);
    expect(results[0]).toMatchObject({ reason: 'max-length', durationMs: 0 });
  });

  it('hang-up during the greeting ends with nothing recorded; during recording keeps the audio', () => {
    const a = recorder();
    a.r.start();
    a.r.stop('hangup');
    expect(a.results[0]).toMatchObject({ reason: 'hangup', durationMs: 0 });
    expect(a.stops()).toBe(1);
    expect(a.clock.pending()).toBe(0);

    const b = recorder();
    b.r.start();
    b.r.playbackEnded('greeting');
    b.r.playbackEnded('beep');
    b.talk(1200, 4000);
    b.r.stop('media-timeout');
    expect(b.results[0]).toMatchObject({ reason: 'media-timeout', durationMs: 1200 });
    expect(b.clock.pending()).toBe(0);
  });
});

const OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 192.0.2.5',
  's=-',
  'c=IN IP4 192.0.2.5',
  't=0 0',
  'm=audio 4000 RTP/AVP 8 0 96',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:96 telephone-event/8000',
  'a=fmtp:96 0-15',
  'm=video 4002 RTP/AVP 97',
  'a=rtpmap:97 H264/90000',
  '',
].join('\r\n');

describe('voicemail SDP offer/answer (RFC 3264)', () => {
  it('answers with the first offered G.711 codec and the offered telephone-event, video rejected', () => {
    const reading = readOffer(OFFER);
    if (!reading.ok) throw new Error(reading.reason);
    expect(reading.media).toEqual({
      payloadType: 8,
      law: 'pcma',
      telephoneEventPayloadType: 96,
      remote: { address: '192.0.2.5', port: 4000 },
    });
    const answer = parseSdp(answerOffer(reading, { address: '198.51.100.1', port: 20_000 }).toString());
    expect(answer.connection?.address).toBe('198.51.100.1');
    expect(answer.media).toHaveLength(2);
    expect(answer.media[0]?.port).toBe(20_000);
    expect(answer.media[0]?.codecs.map((c) => `${c.payloadType} ${c.encodingName}`)).toEqual([
      '8 PCMA',
      '96 telephone-event',
    ]);
    expect(answer.media[1]?.port).toBe(0);
  });

  it('a re-offer (hold) keeps our o= session id, bumps its version and answers recvonly', () => {
    const first = readOffer(OFFER);
    if (!first.ok) throw new Error(first.reason);
    const local = { address: '198.51.100.1', port: 20_000 };
    const ours = answerOffer(first, local);
    const again = readOffer(OFFER);
    if (!again.ok) throw new Error(again.reason);
    expect(answerOffer(again, local, ours).origin.sessionVersion).toBe(ours.origin.sessionVersion);
    const hold = readOffer(OFFER.replace('a=fmtp:96 0-15', 'a=fmtp:96 0-15\r\na=sendonly'));
    if (!hold.ok) throw new Error(hold.reason);
    const held = answerOffer(hold, local, ours);
    expect(held.origin.sessionId).toBe(ours.origin.sessionId);
    expect(held.origin.sessionVersion).toBe(ours.origin.sessionVersion + 1n);
    expect(held.media[0]?.effectiveDirection(held)).toBe('recvonly');
    expect(held.media[0]?.port).toBe(20_000);
  });

  it('488 without PCMU/PCMA, 400 for unreadable SDP', () => {
    const g722 = OFFER.replace('RTP/AVP 8 0 96', 'RTP/AVP 9').replace(/a=rtpmap:[80] .*\r\n/g, '');
    expect(readOffer(g722)).toMatchObject({ ok: false, status: 488 });
    expect(readOffer('v=0\r\nnonsense\r\n')).toMatchObject({ ok: false, status: 400 });
    expect(readOffer(OFFER.replace('m=audio 4000', 'm=audio 0'))).toMatchObject({ ok: false, status: 488 });
  });

  it('late offer: PCMU + telephone-event 101 offered; the answer from the ACK is read', () => {
    const offer = parseSdp(localOffer({ address: '198.51.100.1', port: 20_002 }).toString());
    expect(offer.media[0]?.port).toBe(20_002);
    expect(offer.media[0]?.codecs.map((c) => c.payloadType)).toEqual([0, 101]);
    const answer = OFFER.replace('RTP/AVP 8 0 96', 'RTP/AVP 0').split('m=video')[0] ?? '';
    expect(readAnswer(answer)).toEqual({
      ok: true,
      media: { payloadType: 0, law: 'pcmu', remote: { address: '192.0.2.5', port: 4000 } },
    });
    expect(readAnswer(g711less())).toMatchObject({ ok: false, status: 488 });
  });
});

function g711less(): string {
  return OFFER.replace('RTP/AVP 8 0 96', 'RTP/AVP 96');
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vm-unit-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('voicemail storage, job and box checks', () => {
  it('writes 8 kHz PCM WAVs atomically under the data dir with relative paths', async () => {
    const storage = new VoicemailStorage(dataDir);
    const rel = storage.messagePath('2*01', 'call/../x');
    expect(rel).toBe('voicemail/2_01/msg-call_.._x.wav');
    await storage.writeRecording(rel, Int16Array.from([1, -2, 3]));
    const wav = readWav(fs.readFileSync(path.join(dataDir, rel)));
    expect(wav).toMatchObject({ encoding: 'pcm16', sampleRate: 8000 });
    expect([...wavSamples(wav)]).toEqual([1, -2, 3]);
    expect(fs.readdirSync(path.join(dataDir, 'voicemail/2_01'))).toEqual(['msg-call_.._x.wav']);
    expect(() => storage.resolve('../etc/passwd')).toThrow(VoicemailPathError);
    await storage.remove(rel);
    expect(fs.existsSync(path.join(dataDir, rel))).toBe(false);
  });

  it('job schema refuses paths outside the data dir; the job id depends on the call only', () => {
    const job = {
      idempotencyKey: voicemailJobId('c1'),
      mailbox: '201',
      callerNumber: '100',
      durationSeconds: 3,
      wavPath: 'voicemail/201/msg-c1.wav',
      callId: 'c1',
      recordedAt: new Date(0).toISOString(),
    };
    expect(voicemailJobSchema.safeParse(job).success).toBe(true);
    expect(voicemailJobSchema.safeParse({ ...job, wavPath: '../x.wav' }).success).toBe(false);
    expect(voicemailJobSchema.safeParse({ ...job, wavPath: '/etc/x.wav' }).success).toBe(false);
    expect(voicemailJobId('c1')).toBe(voicemailJobId('c1'));
    expect(voicemailJobId('c1')).not.toBe(voicemailJobId('c2'));
  });

  it('names why a box cannot take a message', () => {
    const box = {
      boxId: 'b',
      mailbox: '201',
      enabled: true,
      extensionEnabled: true,
      greetingPath: null,
      maxMessageSeconds: 180,
      maxMessages: 2,
      messageCount: 1,
      pinHash: null,
    };
    expect(refusalOf(box)).toBeUndefined();
    expect(refusalOf(undefined)).toBe('No Voicemail Box');
    expect(refusalOf({ ...box, enabled: false })).toBe('Voicemail Box Disabled');
    expect(refusalOf({ ...box, extensionEnabled: false })).toBe('Voicemail Box Disabled');
    expect(refusalOf({ ...box, messageCount: 2 })).toBe('Voicemail Box Full');
  });
});
