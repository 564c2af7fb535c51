-- call_traces.entries (a call's SIP messages, ~10 kB of jsonb) compressed with lz4 instead of pglz:
-- pglz compressing each trace was most of PostgreSQL's CPU for the per-call trace INSERT (issue #21:
-- ~260 us per trace with pglz, ~165 us with lz4; the stored size is about the same). Only new values
-- are written with lz4; older ones stay readable as they are. A server without lz4 (PostgreSQL 13,
-- or built without it) keeps the default compression.
DO $$
BEGIN
  EXECUTE 'ALTER TABLE "call_traces" ALTER COLUMN "entries" SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
  RAISE NOTICE 'call_traces.entries keeps the default compression: %', SQLERRM;
END $$;
