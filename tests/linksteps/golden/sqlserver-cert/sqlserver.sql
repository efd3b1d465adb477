-- milink plan for workflow "golden-sqlserver-cert", target sqlserver
-- Review before running. Nothing was executed to produce this file.

-- step cert: create the database master key in master (when missing)
USE master;
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'***';
GO

-- step cert: create the endpoint certificate [Cert_sqlserver1_endpoint]
USE master;
IF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'Cert_sqlserver1_endpoint')
    CREATE CERTIFICATE [Cert_sqlserver1_endpoint]
        WITH SUBJECT = N'Certificate for Cert_sqlserver1_endpoint',
        EXPIRY_DATE = '20990330';
GO

