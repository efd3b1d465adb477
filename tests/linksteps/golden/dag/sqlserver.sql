-- milink plan for workflow "golden-dag", target sqlserver, made <made at>
-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>
-- are placeholders for what a run reads or creates. It does not run as it is; review it, then
-- make a plan without --offline to get one that does.

-- step dag: create distributed availability group [DAG_sales]
USE master;
IF NOT EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'DAG_sales')
    CREATE AVAILABILITY GROUP [DAG_sales]
        WITH (DISTRIBUTED)
        AVAILABILITY GROUP ON
            N'AG_sales' WITH (
                LISTENER_URL = N'TCP://10.0.1.100:5022',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC,
                SESSION_TIMEOUT = 20
            ),
            N'AG_sales_MI' WITH (
                LISTENER_URL = N'tcp://managedinstance1.6d710bcf372b.database.windows.net:5022;Server=[managedinstance1]',
                AVAILABILITY_MODE = ASYNCHRONOUS_COMMIT,
                FAILOVER_MODE = MANUAL,
                SEEDING_MODE = AUTOMATIC
            );
GO

