import type { RingStrategy } from '../api/types';

/** Ring strategies in words, as the form offers them and the list shows them. */
export const strategies: { value: RingStrategy; label: string }[] = [
  { value: 'ringall', label: 'Ring all at once' },
  { value: 'hunt', label: 'Hunt (in order)' },
  { value: 'roundrobin', label: 'Round robin' },
  { value: 'random', label: 'Random' },
  { value: 'memoryhunt', label: 'Memory hunt' },
];

export function strategyLabel(strategy: RingStrategy): string {
  return strategies.find((s) => s.value === strategy)?.label ?? strategy;
}
