-- milink plan for workflow "golden-failover", target sqlserver
-- Review before running. Nothing was executed to produce this file.

-- DESTRUCTIVE: step failover: ALTER AVAILABILITY GROUP [DAG_sales] SET (ROLE = SECONDARY) on sqlserver (ends the split brain; its changes since the failover are discarded) (when it is still primary after the failover)
USE master;
ALTER AVAILABILITY GROUP [DAG_sales] SET (ROLE = SECONDARY);
GO

