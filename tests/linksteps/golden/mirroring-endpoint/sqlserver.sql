-- milink plan for workflow "golden-mirroring-endpoint", target sqlserver, made <made at>
-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>
-- are placeholders for what a run reads or creates. It does not run as it is; review it, then
-- make a plan without --offline to get one that does.

-- step endpoint: create endpoint [database_mirroring_endpoint] on port 5022 (when SQL Server has none; an existing one is checked instead)
USE master;
IF NOT EXISTS (SELECT 1 FROM sys.database_mirroring_endpoints)
    CREATE ENDPOINT [database_mirroring_endpoint]
        STATE = STARTED
        AS TCP (LISTENER_PORT = 5022, LISTENER_IP = ALL)
        FOR DATABASE_MIRRORING (
            ROLE = ALL,
            AUTHENTICATION = CERTIFICATE [Cert_sqlserver1_endpoint],
            ENCRYPTION = REQUIRED ALGORITHM AES
        );
GO

