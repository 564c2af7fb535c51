export * from '@switchboard/clock';
