export { FakeClock } from '@switchboard/clock';
