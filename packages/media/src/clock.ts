// The team's injected clock; a package of its own so media does not depend on the SIP stack.
export { type Clock, type TimerHandle, SystemClock } from '@switchboard/clock';
