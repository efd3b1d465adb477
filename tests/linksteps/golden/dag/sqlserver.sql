-- milink plan for workflow "golden-dag", target sqlserver
-- Review before running. Nothing was executed to produce this file.

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

