-- milink plan for workflow "golden-failover", target sqlserver
-- Review before running. Nothing was executed to produce this file.

-- DESTRUCTIVE: step failover: planned failover of link DAG_sales to the managed instance managedinstance1: ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER on sqlserver (when it is not primary yet, and only if the link is synchronous and caught up)
USE master;
ALTER AVAILABILITY GROUP [DAG_sales] FAILOVER;
GO

