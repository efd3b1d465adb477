-- milink plan for workflow "golden-failover", target sqlserver, made <made at>
-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>
-- are placeholders for what a run reads or creates. It does not run as it is; review it, then
-- make a plan without --offline to get one that does.

-- DESTRUCTIVE: step failover: planned failover of link DAG_sales to the managed instance managedinstance1: ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER on sqlserver (when it is not primary yet, and only if the link is synchronous and caught up)
USE master;
ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER;
GO

