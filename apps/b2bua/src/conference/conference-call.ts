import {
  ConferenceKeypad,
  conferenceMuteTone,
  type ConferenceMixer,
  type PromptId,
} from '@switchboard/media';
import type { SipMessage, SipRequest } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import type { SessionBody } from '../calls/legs/caller-leg.js';
import { DigitBuffer } from '../voicemail/digit-buffer.js';
import type { LocalCall, LocalCallContext } from '../voicemail/local-call.js';
import { LocalCallEnding } from '../voicemail/local-call-ending.js';
import { LocalUaLeg } from '../voicemail/local-ua-leg.js';
import { LATE_OFFER_MEDIA, MediaAnswerer } from '../voicemail/media-answerer.js';
import type { VoicemailContext } from '../voicemail/voicemail-context.js';
import { VoicemailMedia } from '../voicemail/voicemail-media.js';
import type { ConferenceBridge } from './conference-bridge.js';
import { enterPin } from './conference-pin-entry.js';
import type { ConferenceRoomRepository, ConferenceRoomRow } from './conference-room.repository.js';

/** What every conference call of one signalling process shares. */
export interface ConferenceContext {
  readonly bridge: ConferenceBridge;
  /** conference_rooms rows, and the factory-made ad-hoc rooms (ConferenceService). */
  readonly rooms: Pick<ConferenceRoomRepository, 'find'>;
  /** A participant is out of `room` (or never got in): an emptied ad-hoc room is forgotten. */
  vacated(room: string): void;
}

/**
 * One caller in a conference room: the room is checked (missing → 404, disabled → 480, full → 486,
 * before anything is answered), the B2BUA answers with SDP (the voicemail's media path: symmetric
 * RTP, jitter buffer, RFC 4733 keys), asks the PIN if the room has one, then joins the room's mixer.
 * In the room `*6` mutes/unmutes and `*#` leaves (ConferenceKeypad). The call ends with the caller's
 * BYE, `*#`, a wrong PIN three times, no RTP for the media timeout, or shutdown.
 */
export class ConferenceCall implements LocalCall {
  private readonly leg: LocalUaLeg;
  private readonly answerer: MediaAnswerer;
  private readonly end: LocalCallEnding;
  private readonly digits: DigitBuffer;
  private readonly keypad = new ConferenceKeypad();
  private media: VoicemailMedia | undefined;
  private room: ConferenceRoomRow | undefined;
  private mixer: ConferenceMixer | undefined;
  private started = false;
  private playing = false;

  constructor(
    private readonly ctx: LocalCallContext,
    private readonly vm: VoicemailContext,
    private readonly conf: ConferenceContext,
    private readonly roomNumber: string,
  ) {
    this.digits = new DigitBuffer(vm.clock);
    this.leg = new LocalUaLeg(ctx, {
      byeFromCaller: () => this.end.callerBye(),
      confirmed: (answer) => this.confirmed(answer),
      noAck: () => this.end.finish('system', 'no ACK'),
      reoffer: (body) => (this.media ? this.answerer.reoffer(body, this.media) : undefined),
      infoDigit: (d) => this.onDigit(d),
    });
    this.answerer = new MediaAnswerer(vm, this.leg);
    this.end = new LocalCallEnding(ctx, this.leg, () => this.media, {
      label: () => `conference ${roomNumber}`,
      failure: { fields: { room: roomNumber }, message: 'conference call failed' },
      refusedAs: (status) => (status === 486 ? 'busy' : status === 480 ? 'no_answer' : 'failed'),
      release: () => {
        this.digits.close();
        if (this.mixer?.has(ctx.callId)) conf.bridge.leave(roomNumber, ctx.callId);
        conf.vacated(roomNumber);
      },
    });
  }

  start(): void {
    this.setUp().catch((err: unknown) => this.end.failed(err));
  }

  ack(ack: SipRequest): void {
    if (!this.over && this.media) this.leg.ack(ack);
  }

  private confirmed(answer: SessionBody | undefined): void {
    if (this.over || !this.media) return;
    const verdict = this.answerer.confirmed(answer, this.media);
    if (verdict === 'fail') this.end.finish('system', 'unusable SDP answer in ACK');
    else if (verdict === 'start' && !this.started) this.begin(this.media);
  }

  request(request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    this.leg.request(request, tx);
  }

  cancel(): void {
    this.end.cancelled();
  }

  terminate(): void {
    this.end.shutdown();
  }

  private get over(): boolean {
    return this.end.over;
  }

  private async setUp(): Promise<void> {
    const room = await this.conf.rooms.find(this.roomNumber);
    if (this.over) return;
    if (!room) return this.end.reject(404, 'Conference Room Not Found', 'no such room');
    if (!room.enabled) return this.end.reject(480, 'Conference Room Disabled', 'room disabled');
    if (this.conf.bridge.size(room.number) >= room.maxParticipants)
      return this.end.reject(486, 'Conference Full', 'room full');
    this.room = room;
    const reading = this.answerer.read(this.ctx.party.offer?.content);
    if (!reading.ok) return this.end.reject(reading.status, reading.reason, reading.reason);
    const media = await VoicemailMedia.open(this.vm.mediaOptions, reading.media ?? LATE_OFFER_MEDIA);
    if (this.over) {
      await media.close('ended before the answer');
      return;
    }
    this.media = media;
    this.answerer.answer(reading, media);
    this.ctx.answered(`conference:${room.number}`);
  }

  private begin(media: VoicemailMedia): void {
    this.started = true;
    media.listen({
      audio: (samples) => {
        if (this.mixer?.has(this.ctx.callId)) this.mixer.receivePcm(this.ctx.callId, samples);
      },
      digit: (d) => this.onDigit(d),
      timeout: () => this.end.finish('system', 'no RTP'),
    });
    this.admit(media).catch((err: unknown) => this.end.failed(err));
  }

  private async admit(media: VoicemailMedia): Promise<void> {
    const room = this.room;
    if (!room) return;
    if (room.pinHash !== null) {
      const outcome = await enterPin({ say: (id) => this.say(media, id) }, this.digits, {
        pins: this.vm.pins,
        pinHash: room.pinHash,
        sourceIp: this.ctx.party.sourceHost,
        lockKey: `conference-${room.number}`,
        inputTimeoutMs: this.vm.settings.inputTimeoutMs,
        maxAttempts: this.vm.settings.maxPinAttempts,
        onWrongPin: () =>
          this.ctx.logger.warn(
            { call: this.ctx.callId, room: room.number, source: this.ctx.party.sourceHost },
            'wrong conference PIN',
          ),
      });
      if (outcome === 'hung-up' || this.over) return;
      if (outcome !== 'accepted') {
        await this.say(media, 'goodbye');
        return this.end.finish('callee', `PIN ${outcome}`);
      }
    }
    if (this.over) return;
    const mixer = this.conf.bridge.mixer(room.number, room.maxParticipants);
    if (mixer.size >= room.maxParticipants) return this.end.finish('callee', 'room full');
    mixer.join(this.ctx.callId, {
      law: media.law,
      send: (payload) => media.sendFrame(payload),
      announce: room.announceJoin,
    });
    this.mixer = mixer;
    this.ctx.logger.info(
      { call: this.ctx.callId, room: room.number, participants: mixer.size },
      'conference: joined',
    );
  }

  private async say(media: VoicemailMedia, id: PromptId): Promise<void> {
    if (this.digits.pending || this.digits.isClosed) return;
    const audio = await this.vm.prompts.prompt(id);
    this.playing = true;
    await media.play([audio]);
    this.playing = false;
  }

  private onDigit(digit: string): void {
    const mixer = this.mixer;
    if (!mixer?.has(this.ctx.callId)) {
      this.digits.push(digit);
      if (this.playing) this.media?.stop(); // barge-in: a key cuts the prompt short
      return;
    }
    const action = this.keypad.press(digit);
    if (action === 'toggle-mute') {
      const muted = mixer.toggleMute(this.ctx.callId);
      mixer.playTo(this.ctx.callId, conferenceMuteTone(muted));
    } else if (action === 'leave') this.end.finish('caller', 'left with *#');
  }
}
