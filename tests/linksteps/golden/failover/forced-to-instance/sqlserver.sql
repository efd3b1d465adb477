-- milink plan for workflow "golden-failover", target sqlserver, made <made at>
-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>
-- are placeholders for what a run reads or creates. It does not run as it is; review it, then
-- make a plan without --offline to get one that does.

-- DESTRUCTIVE: step failover: ALTER AVAILABILITY GROUP [DAG_sales] SET (ROLE = SECONDARY) on sqlserver (ends the split brain; its changes since the failover are discarded) (when it is still primary after the failover)
USE master;
ALTER AVAILABILITY GROUP [DAG_sales] SET (ROLE = SECONDARY);
GO

