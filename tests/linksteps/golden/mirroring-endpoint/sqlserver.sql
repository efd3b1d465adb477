-- milink plan for workflow "golden-mirroring-endpoint", target sqlserver
-- Review before running. Nothing was executed to produce this file.

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

