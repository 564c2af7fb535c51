import type { Logger } from '@switchboard/config';
import type { PromptId } from '@switchboard/media';
import { LATE_OFFER_MEDIA } from '../../voicemail/media-answerer.js';
import { localOffer, readAnswer } from '../../voicemail/media-negotiation.js';
import type { PromptLibrary } from '../../voicemail/prompt-library.js';
import { VoicemailMedia, type VoicemailMediaOptions } from '../../voicemail/voicemail-media.js';
import type { BridgeSide } from '../bridge/call-bridge.js';
import type { CallLogIds } from '../call-session-hooks.js';
import type { SessionBody } from '../legs/caller-leg.js';
import { reinviteWithOffer } from './park-retrieval.js';

/** How long the parker's phone may take to answer our re-INVITE before the slot goes unspoken. */
const ANSWER_WAIT_MS = 4000;

export interface ParkAnnouncerInit {
  readonly publicAddress: string;
  /** RTP ports and the clock that paces the audio (the SIP clock). */
  readonly media: VoicemailMediaOptions;
  readonly prompts: PromptLibrary;
  readonly logger: Logger;
}

/** One announcement under way: `done` settles when it was played, refused or stopped (never rejects). */
export interface SlotAnnouncement {
  readonly done: Promise<void>;
  /** The parker hung up meanwhile: stop the audio at once. */
  stop(): void;
}

/** An announcement the parker's hang-up can cut short. */
export interface AnnouncingTo {
  readonly side: BridgeSide;
  stop(): void;
}

/**
 * Announces `slot` to the parker at `side`, then runs `then` (the final NOTIFY and BYE); without an
 * announcer `then` runs at once. The handle stops the audio if the parker hangs up first.
 */
export function announceThen(
  announcer: ParkAnnouncer | undefined,
  side: BridgeSide,
  slot: number,
  log: CallLogIds,
  then: () => void,
): AnnouncingTo | undefined {
  if (!announcer) {
    then();
    return undefined;
  }
  const announcement = announcer.announce(side, slot, log);
  // `done` never rejects (announce logs its own failures); what runs after it (NOTIFY, BYE) may throw.
  void announcement.done.then(then).catch((err: unknown) => {
    announcer.logger.error({ ...log, err }, 'park not completed after the slot announcement');
  });
  return { side, stop: () => announcement.stop() };
}

/** The prompts that say a slot number digit by digit ("seven zero one"), as PBXs read park slots. */
export function slotPrompts(slot: number): PromptId[] {
  return [...String(slot)].map((d) => `number-${d}` as PromptId);
}

/**
 * Tells the parker the slot by voice (the park half of issue #19): before the transferor's leg is
 * ended, the PBX re-INVITEs it (RFC 3261 §14.1) with its own media offer (PCMU, telephone-event,
 * sendrecv), plays the slot's digits from the shipped number prompts, then lets the park go on (final
 * NOTIFY with the slot in its sipfrag, BYE). A phone that refuses the re-INVITE, does not answer
 * within ANSWER_WAIT_MS or answers without PCMU only misses the voice: the NOTIFY still names the slot.
 */
export class ParkAnnouncer {
  constructor(private readonly init: ParkAnnouncerInit) {}

  get logger(): Logger {
    return this.init.logger;
  }

  announce(parker: BridgeSide, slot: number, log: CallLogIds): SlotAnnouncement {
    let media: VoicemailMedia | undefined;
    let stopped = false;
    const run = async (): Promise<void> => {
      const rtp = await VoicemailMedia.open(this.init.media, LATE_OFFER_MEDIA);
      media = rtp;
      try {
        if (stopped) return;
        const offer = localOffer({ address: this.init.publicAddress, port: rtp.port }).toString();
        const answer = await this.reinvite(parker, offer, log);
        const reading = answer ? readAnswer(answer.content) : undefined;
        if (stopped || !reading?.ok) return;
        if (reading.media.remote) rtp.setRemote(reading.media.remote);
        const parts = await this.init.prompts.sequence(slotPrompts(slot));
        if (!stopped) await rtp.play(parts);
      } finally {
        await rtp.close('park announcement done');
      }
    };
    const done = run().catch((err: unknown) => {
      this.init.logger.warn({ ...log, slot, err }, 'park slot announcement not played');
    });
    return {
      done,
      stop: () => {
        stopped = true;
        media?.stop();
      },
    };
  }

  /** Our offer in a re-INVITE of the parker's dialog; resolves with its 2xx answer, else undefined. */
  private reinvite(side: BridgeSide, offer: string, log: CallLogIds): Promise<SessionBody | undefined> {
    return new Promise((resolve) => {
      // The re-INVITE's own transaction runs on (a late 2xx is still ACKed); the park does not wait for it.
      const wait = this.init.media.clock.schedule(ANSWER_WAIT_MS, () => resolve(undefined));
      const settle = (answer: SessionBody | undefined): void => {
        wait.cancel();
        resolve(answer);
      };
      reinviteWithOffer(
        side,
        { contentType: 'application/sdp', content: Buffer.from(offer) },
        this.init.logger,
        log,
        { answered: settle, failed: () => settle(undefined) },
      );
    });
  }
}
