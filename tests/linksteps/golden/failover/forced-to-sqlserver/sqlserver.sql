-- milink plan for workflow "golden-failover", target sqlserver
-- Review before running. Nothing was executed to produce this file.

-- DESTRUCTIVE: step failback: forced failover of link DAG_sales to SQL Server sqlserver: ALTER AVAILABILITY GROUP [DAG_sales] FORCE_FAILOVER_ALLOW_DATA_LOSS on sqlserver; the log it has not hardened is lost (when it is not primary yet)
USE master;
ALTER AVAILABILITY GROUP [DAG_sales] FORCE_FAILOVER_ALLOW_DATA_LOSS;
GO

