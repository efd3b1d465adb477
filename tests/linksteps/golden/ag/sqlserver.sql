-- milink plan for workflow "golden-ag", target sqlserver, made <made at>
-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>
-- are placeholders for what a run reads or creates. It does not run as it is; review it, then
-- make a plan without --offline to get one that does.

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

