import type { RouteDestination } from '@switchboard/plugin-sdk';
import type { SipMessage, SipRequest } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import type { SessionBody } from '../calls/legs/caller-leg.js';
import type { HandOver, LocalCall, LocalCallContext, LocalPlanEnd } from '../voicemail/local-call.js';
import { LocalCallEnding } from '../voicemail/local-call-ending.js';
import { LocalUaLeg } from '../voicemail/local-ua-leg.js';
import { LATE_OFFER_MEDIA, MediaAnswerer } from '../voicemail/media-answerer.js';
import { decodeWavTo8k } from '../voicemail/prompt-library.js';
import type { VoicemailContext } from '../voicemail/voicemail-context.js';
import { VoicemailMedia } from '../voicemail/voicemail-media.js';
import type { IvrContext } from './ivr-context.js';
import type { IvrMenuRow } from './ivr-menu.repository.js';
import { MenuMachine, type MenuChoice } from './menu-machine.js';
import { defaultMenuGreeting, invalidChoiceTone, ringback } from './menu-tones.js';

/** Menus one call may pass through (menu → menu, a failed hand-over back to the menu): a loop guard. */
export const MAX_MENU_HOPS = 10;
/** Ringback cycles played while a hand-over rings (5 s each: longer than any ring timeout). */
const RINGBACK_CYCLES = 60;

/**
 * A caller in an auto-attendant menu: the menu is checked (missing → 404, disabled → 480, before
 * anything is answered), the B2BUA answers with SDP (the voicemail's media path: symmetric RTP, RFC
 * 4733 keys; SIP INFO keys through LocalUaLeg), plays the greeting and runs the MenuMachine. The
 * choice sends the caller on: another menu here, voicemail on the same dialog and RTP end, an
 * extension, ring group or outside number by a hand-over (routed through the plugins as a new call,
 * the caller re-INVITEd to the target that answers). Nothing chosen and nowhere to go: goodbye, BYE.
 */
export class IvrCall implements LocalCall {
  private readonly leg: LocalUaLeg;
  private readonly answerer: MediaAnswerer;
  private readonly end: LocalCallEnding;
  private media: VoicemailMedia | undefined;
  private menu: IvrMenuRow | undefined;
  private machine: MenuMachine | undefined;
  private handOver: HandOver | undefined;
  /** Voicemail took the caller over: the session's traffic goes to it. */
  private successor: LocalCall | undefined;
  private hops = 0;
  private started = false;

  constructor(
    private readonly ctx: LocalCallContext,
    private readonly vm: VoicemailContext,
    private readonly ivr: IvrContext,
    private readonly menuId: string,
  ) {
    this.leg = new LocalUaLeg(ctx, {
      byeFromCaller: () => this.end.callerBye(),
      confirmed: (answer) => this.confirmed(answer),
      noAck: () => this.end.finish('system', 'no ACK'),
      reoffer: (body) => (this.media ? this.answerer.reoffer(body, this.media) : undefined),
      infoDigit: (d) => this.machine?.key(d),
    });
    this.answerer = new MediaAnswerer(vm, this.leg);
    this.end = new LocalCallEnding(ctx, this.leg, () => this.media, {
      label: () => this.label,
      failure: { fields: { menu: menuId }, message: 'menu call failed' },
      refusedAs: (status) => (status === 480 || status === 404 ? 'rejected' : 'failed'),
      release: () => {
        this.machine?.stop();
        this.handOver?.stop();
        this.handOver = undefined;
      },
    });
  }

  start(): void {
    this.setUp().catch((err: unknown) => this.end.failed(err));
  }

  ack(ack: SipRequest): void {
    if (this.successor) return this.successor.ack(ack);
    if (!this.over && this.media) this.leg.ack(ack);
  }

  private confirmed(answer: SessionBody | undefined): void {
    if (this.over || !this.media) return;
    const verdict = this.answerer.confirmed(answer, this.media);
    if (verdict === 'fail') this.end.finish('system', 'unusable SDP answer in ACK');
    else if (verdict === 'start' && !this.started) this.begin(this.media);
  }

  request(request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    this.leg.request(request, tx); // a successor rebound the leg's hooks to itself
  }

  cancel(): void {
    this.end.cancelled();
  }

  terminate(): void {
    if (this.successor) return this.successor.terminate();
    this.end.shutdown();
  }

  private get over(): boolean {
    return this.end.over;
  }

  /** `menu 800` (or its name when it has no number): the record's name for this menu. */
  private get label(): string {
    const m = this.menu;
    return m ? `menu ${m.number ?? m.name}` : `menu ${this.menuId}`;
  }

  private async setUp(): Promise<void> {
    const menu = await this.ivr.menus.byId(this.menuId);
    if (this.over) return;
    if (!menu) return this.end.reject(404, 'Menu Not Found', 'no such menu');
    if (!menu.enabled) return this.end.reject(480, 'Menu Disabled', 'menu disabled');
    this.menu = menu;
    const reading = this.answerer.read(this.ctx.party.offer?.content);
    if (!reading.ok) return this.end.reject(reading.status, reading.reason, reading.reason);
    const media = await VoicemailMedia.open(this.vm.mediaOptions, reading.media ?? LATE_OFFER_MEDIA);
    if (this.over) {
      await media.close('ended before the answer');
      return;
    }
    this.media = media;
    this.answerer.answer(reading, media);
    this.ctx.answered(`menu:${menu.number ?? menu.name}`);
  }

  private begin(media: VoicemailMedia): void {
    this.started = true;
    media.listen({
      audio: () => undefined,
      digit: (d) => this.machine?.key(d),
      timeout: () => this.end.finish('system', 'no RTP'),
    });
    if (this.menu) this.enter(this.menu);
  }

  /** The caller is in `menu` (the first one, or one a choice led to). */
  private enter(menu: IvrMenuRow): void {
    this.menu = menu;
    this.run(menu).catch((err: unknown) => this.end.failed(err));
  }

  private async run(menu: IvrMenuRow): Promise<void> {
    const greeting = await this.greetingOf(menu);
    const media = this.media;
    if (this.over || !media) return;
    const machine: MenuMachine = new MenuMachine(menu, this.vm.clock, {
      play: (afterInvalid) => {
        const parts = afterInvalid ? [invalidChoiceTone(), greeting] : [greeting];
        this.end.soft(
          media.play(parts).then((done) => {
            if (done && this.machine === machine) machine.greetingEnded();
          }),
          'greeting',
        );
      },
      stopPlayback: () => media.stop(),
      checkExtension: (number) => {
        this.ivr.menus.isExtension(number).then(
          (exists) => machine.extensionChecked(number, exists),
          (err: unknown) => {
            this.ctx.logger.warn({ err, call: this.ctx.callId, number }, 'menu: extension lookup failed');
            machine.extensionChecked(number, false);
          },
        );
      },
      chosen: (choice) => this.chosen(choice),
    });
    this.machine = machine;
    machine.start();
  }

  private async greetingOf(menu: IvrMenuRow): Promise<Int16Array> {
    if (menu.greetingPath) {
      try {
        return decodeWavTo8k(await this.vm.storage.read(menu.greetingPath));
      } catch (err) {
        this.ctx.logger.warn(
          { err, call: this.ctx.callId, menu: menu.id },
          'menu greeting unreadable: tones used',
        );
      }
    }
    return defaultMenuGreeting();
  }

  private chosen(choice: MenuChoice): void {
    this.ctx.logger.info({ call: this.ctx.callId, menu: this.label, choice }, 'menu: caller chose');
    const destination: RouteDestination | null =
      choice.kind === 'extension' ? { kind: 'extension', target: choice.number } : choice.destination;
    if (!destination || destination.kind === 'hangup')
      return this.goodbye(
        choice.kind === 'option' ? `key ${choice.key}: hang up` : `${choice.kind}, no destination`,
      );
    this.hops += 1;
    if (this.hops > MAX_MENU_HOPS) return this.goodbye('too many menus');
    switch (destination.kind) {
      case 'menu':
        return this.nextMenu(this.ivr.menus.byNumber(destination.target), `menu ${destination.target}`);
      case 'voicemail':
        return this.toVoicemail(destination.target);
      case 'extension':
      case 'ring_group':
        return this.handTo(destination.target);
      case 'trunk':
        return this.handTo(destination.target, destination.trunk);
    }
  }

  private nextMenu(lookup: Promise<IvrMenuRow | undefined>, name: string): void {
    lookup.then(
      (menu) => {
        if (this.over) return;
        if (!menu?.enabled) {
          this.ctx.passedOn(this.label, name, menu ? 480 : 404);
          return this.goodbye(`${name} ${menu ? 'disabled' : 'missing'}`);
        }
        this.ctx.passedOn(this.label, name, 200);
        this.enter(menu);
      },
      (err: unknown) => this.end.failed(err),
    );
  }

  /** Voicemail takes the answered caller as it is (dialog, RTP end): no new answer. */
  private toVoicemail(mailbox: string): void {
    const media = this.media;
    if (this.over || !media) return;
    this.machine?.stop();
    media.stop();
    this.ctx.passedOn(this.label, `voicemail ${mailbox}`, 200);
    this.successor = this.ivr.voicemail.deposit(this.ctx, mailbox, { leg: this.leg, media });
    this.end.handedOff();
  }

  /**
   * An extension, ring group or outside number: routed as a new call while the caller hears
   * ringback; `trunk`: dialled out through that trunk, no plugin asked.
   */
  private handTo(number: string, trunk?: string): void {
    const side = this.leg.side();
    const media = this.media;
    if (this.over || !side || !media) return;
    this.machine?.stop();
    media.stop();
    this.end.soft(media.play(ringback(RINGBACK_CYCLES)), 'ringback');
    const by = this.label;
    this.handOver = this.ctx.handOver(
      { destination: number, side, by, ...(trunk === undefined ? {} : { trunk }) },
      {
        connected: (targetKey) => {
          this.handOver = undefined;
          this.end.handedOff();
          this.leg.release();
          this.end.soft(media.close(`handed over to ${targetKey}`), 'media close');
        },
        local: (end) => {
          this.handOver = undefined;
          media.stop();
          this.localEnd(end, number);
        },
        failed: (status, reason) => {
          this.handOver = undefined;
          if (this.over) return;
          media.stop();
          this.ctx.passedOn(by, number, status);
          this.ctx.logger.info({ call: this.ctx.callId, number, status, reason }, 'menu: destination failed');
          this.again();
        },
      },
    );
  }

  /** The destination's own plan ended in a local application (e.g. voicemail on no answer). */
  private localEnd(end: LocalPlanEnd, number: string): void {
    if (this.over) return;
    switch (end.kind) {
      case 'voicemail':
        this.ctx.passedOn(this.label, number, 480);
        return this.toVoicemail(end.mailbox);
      case 'menu':
        this.ctx.passedOn(this.label, number, 480);
        return this.nextMenu(this.ivr.menus.byId(end.menu), `menu ${number}`);
      case 'conference':
        // A room joins callers it answers itself; this caller is already ours (not supported yet).
        this.ctx.passedOn(this.label, `conference ${end.room}`, 488);
        return this.again();
    }
  }

  /** Back to the current menu after a destination nobody took (its greeting again). */
  private again(): void {
    const menu = this.menu;
    if (!menu) return this.goodbye('no menu');
    this.hops += 1;
    if (this.hops > MAX_MENU_HOPS) return this.goodbye('too many menus');
    this.enter(menu);
  }

  private goodbye(cause: string): void {
    const media = this.media;
    this.machine?.stop();
    if (!media || this.over) return this.end.finish('callee', cause);
    media.stop();
    this.vm.prompts
      .prompt('goodbye')
      .then((audio) => media.play([audio]))
      .then(
        () => this.end.finish('callee', cause),
        (err: unknown) => {
          this.ctx.logger.warn({ err, call: this.ctx.callId }, 'menu: goodbye not played');
          this.end.finish('callee', cause);
        },
      );
  }
}
