import { fileURLToPath } from 'node:url';
import { MediaError } from '../errors.js';

/**
 * The default voicemail prompts shipped in `prompts/en/<id>.wav` (8 kHz µ-law, produced by
 * `pnpm --filter @switchboard/media prompts` with espeak-ng). A mailbox's own recording replaces
 * `greeting-default`; everything else is said with these files.
 */
export const DEFAULT_PROMPTS = {
  'greeting-default': 'The person you are calling is not available. Please leave a message after the tone.',
  'leave-message': 'Please leave a message after the tone. Press pound when you are finished.',
  'enter-mailbox': 'Please enter the mailbox number, followed by the pound key.',
  'enter-pin': 'Please enter your PIN, followed by the pound key.',
  'wrong-pin': 'That PIN is not correct.',
  'too-many-attempts': 'Too many incorrect attempts.',
  'you-have': 'You have',
  'new-message': 'new message.',
  'new-messages': 'new messages.',
  'no-new-messages': 'You have no new messages.',
  'message-menu': 'To hear this message again, press 1. To delete it, press 7. To keep it, press 9.',
  'message-deleted': 'Message deleted.',
  'message-saved': 'Message saved.',
  'no-more-messages': 'There are no more messages.',
  'main-menu': 'To listen to your messages, press 1. To record your greeting, press 0.',
  'record-greeting': 'Record your greeting after the tone, then press pound.',
  'greeting-saved': 'Your greeting has been saved.',
  'message-too-long': 'The maximum message length has been reached.',
  goodbye: 'Goodbye.',
  'number-0': 'zero',
  'number-1': 'one',
  'number-2': 'two',
  'number-3': 'three',
  'number-4': 'four',
  'number-5': 'five',
  'number-6': 'six',
  'number-7': 'seven',
  'number-8': 'eight',
  'number-9': 'nine',
  'number-10': 'ten',
  'number-11': 'eleven',
  'number-12': 'twelve',
  'number-13': 'thirteen',
  'number-14': 'fourteen',
  'number-15': 'fifteen',
  'number-16': 'sixteen',
  'number-17': 'seventeen',
  'number-18': 'eighteen',
  'number-19': 'nineteen',
  'number-20': 'twenty',
  'number-30': 'thirty',
  'number-40': 'forty',
  'number-50': 'fifty',
  'number-60': 'sixty',
  'number-70': 'seventy',
  'number-80': 'eighty',
  'number-90': 'ninety',
  'number-100': 'one hundred',
  'number-more': 'more than one hundred',
} as const satisfies Record<string, string>;

export type PromptId = keyof typeof DEFAULT_PROMPTS;

/** Absolute path of a shipped prompt file (works from src in tests and from dist at run time). */
export function defaultPromptPath(id: PromptId, language = 'en'): string {
  if (!(id in DEFAULT_PROMPTS)) throw new MediaError('WAV_BAD_INPUT', `unknown prompt ${String(id)}`);
  return fileURLToPath(new URL(`../../prompts/${language}/${id}.wav`, import.meta.url));
}

/** The prompts that say a count from 0 to 100 ("forty", "two"); larger counts say "more than one hundred". */
export function numberPrompts(n: number): PromptId[] {
  if (!Number.isInteger(n) || n < 0) throw new MediaError('WAV_BAD_INPUT', `cannot say ${n}`);
  if (n > 100) return ['number-more'];
  if (n <= 20 || n === 100) return [`number-${n}` as PromptId];
  const tens = `number-${Math.floor(n / 10) * 10}` as PromptId;
  return n % 10 === 0 ? [tens] : [tens, `number-${n % 10}` as PromptId];
}

/** "You have <n> new message(s)." as a prompt sequence, or "You have no new messages." */
export function messageCountPrompts(n: number): PromptId[] {
  if (n === 0) return ['no-new-messages'];
  return ['you-have', ...numberPrompts(n), n === 1 ? 'new-message' : 'new-messages'];
}
