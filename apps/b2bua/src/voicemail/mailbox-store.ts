import type { LocalCallContext } from './local-call.js';
import type { MenuStore } from './mailbox-menu.js';
import { decodeWavTo8k } from './prompt-library.js';
import type { MailboxInfo, StoredMessage } from './voicemail-box.repository.js';
import type { VoicemailContext } from './voicemail-context.js';

/** MenuStore over PostgreSQL, the data dir, the PIN checker and the MessageWaitingNotifier. */
export class MailboxStore implements MenuStore {
  private readonly sourceIp: string;

  constructor(
    private readonly ctx: LocalCallContext,
    private readonly vm: VoicemailContext,
  ) {
    this.sourceIp = ctx.party.sourceHost;
  }

  findBox(mailbox: string): Promise<MailboxInfo | undefined> {
    return this.vm.boxes.find(mailbox);
  }

  verifyPin(hash: string, pin: string): Promise<boolean> {
    return this.vm.pins.verify(hash, pin);
  }

  isLocked(mailbox: string): Promise<boolean> {
    return this.vm.pins.isLocked(this.sourceIp, mailbox);
  }

  pinFailed(mailbox: string): Promise<void> {
    this.ctx.logger.warn({ call: this.ctx.callId, mailbox, source: this.sourceIp }, 'wrong voicemail PIN');
    return this.vm.pins.failed(this.sourceIp, mailbox);
  }

  messages(box: MailboxInfo): Promise<StoredMessage[]> {
    return this.vm.boxes.listMessages(box.boxId);
  }

  async audio(message: StoredMessage): Promise<Int16Array> {
    return decodeWavTo8k(await this.vm.storage.read(message.wavPath));
  }

  async markHeard(box: MailboxInfo, message: StoredMessage): Promise<void> {
    await this.vm.boxes.markHeard(message.id);
    this.changed(box);
  }

  async deleteMessage(box: MailboxInfo, message: StoredMessage): Promise<void> {
    const wavPath = await this.vm.boxes.deleteMessage(message.id);
    if (wavPath) await this.vm.storage.remove(wavPath).catch(() => undefined);
    this.changed(box);
  }

  async saveGreeting(box: MailboxInfo, samples: Int16Array): Promise<void> {
    const rel = this.vm.storage.greetingPath(box.mailbox);
    await this.vm.storage.writeRecording(rel, samples);
    const previous = await this.vm.boxes.setGreeting(box.boxId, rel);
    if (previous && previous !== rel) await this.vm.storage.remove(previous).catch(() => undefined);
  }

  private changed(box: MailboxInfo): void {
    this.vm.notifier
      .mailboxChanged(box.mailbox)
      .catch((err: unknown) =>
        this.ctx.logger.warn({ err, mailbox: box.mailbox }, 'MWI notification failed'),
      );
  }
}
