-- milink plan for workflow "golden-ag", target sqlserver
-- Review before running. Nothing was executed to produce this file.

-- step ag: create availability group [AG_sales]
USE master;
IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'AG_sales')
    CREATE AVAILABILITY GROUP [AG_sales]
        WITH (CLUSTER_TYPE = NONE)
        FOR DATABASE [sales]
        REPLICA ON N'sqlserver1' WITH (
            ENDPOINT_URL = N'TCP://10.0.1.100:5022',
            AVAILABILITY_MODE = SYNCHRONOUS_COMMIT,
            FAILOVER_MODE = MANUAL,
            SEEDING_MODE = AUTOMATIC
        );
GO

