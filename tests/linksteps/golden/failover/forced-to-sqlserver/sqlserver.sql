-- milink plan for workflow "golden-failover", target sqlserver, made <made at>
-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>
-- are placeholders for what a run reads or creates. It does not run as it is; review it, then
-- make a plan without --offline to get one that does.

-- DESTRUCTIVE: step failback: forced failover of link DAG_sales to SQL Server sqlserver: ALTER AVAILABILITY GROUP [DAG_sales] FORCE_FAILOVER_ALLOW_DATA_LOSS on sqlserver; the log it has not hardened is lost (when it is not primary yet)
USE master;
ALTER AVAILABILITY GROUP [DAG_sales] FORCE_FAILOVER_ALLOW_DATA_LOSS;
GO

