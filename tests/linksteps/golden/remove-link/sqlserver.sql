-- milink plan for workflow "golden-remove-link", target sqlserver, made <made at>
-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>
-- are placeholders for what a run reads or creates. It does not run as it is; review it, then
-- make a plan without --offline to get one that does.

-- DESTRUCTIVE: step dag: DROP AVAILABILITY GROUP [DAG_sales] on sqlserver (when it exists) (the distributed availability group; no database is dropped)
USE master;
IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'DAG_sales')
    DROP AVAILABILITY GROUP [DAG_sales];
GO

-- DESTRUCTIVE: step dag: DROP AVAILABILITY GROUP [AG_sales] on sqlserver (when it exists and no other distributed availability group uses it) (its database leaves the group and stays)
USE master;
IF EXISTS (SELECT 1 FROM sys.availability_groups WHERE name = N'AG_sales')
    DROP AVAILABILITY GROUP [AG_sales];
GO

-- DESTRUCTIVE: step trust: DROP CERTIFICATE [managedinstance1.6d710bcf372b.database.windows.net] on sqlserver (when it exists and no other link uses it) (SQL Server stops trusting the instance)
USE master;
IF EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'managedinstance1.6d710bcf372b.database.windows.net')
    DROP CERTIFICATE [managedinstance1.6d710bcf372b.database.windows.net];
GO

