-- milink plan for workflow "golden-sqlserver-cert", target sqlserver, made <made at>
-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>
-- are placeholders for what a run reads or creates. It does not run as it is; review it, then
-- make a plan without --offline to get one that does.
-- Needs sqlcmd variables (secrets are never written into plans): MILINK_MASTER_KEY_PASSWORD
-- e.g. sqlcmd -i FILE -v MILINK_MASTER_KEY_PASSWORD=..., or :setvar in SSMS's SQLCMD mode.

-- step cert: create the database master key in master (when missing)
USE master;
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(MILINK_MASTER_KEY_PASSWORD)';
GO

-- step cert: create the endpoint certificate [Cert_sqlserver1_endpoint]
USE master;
IF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'Cert_sqlserver1_endpoint')
    CREATE CERTIFICATE [Cert_sqlserver1_endpoint]
        WITH SUBJECT = N'Certificate for Cert_sqlserver1_endpoint',
        EXPIRY_DATE = '20990330';
GO

