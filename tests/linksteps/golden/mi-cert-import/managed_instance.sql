-- milink plan for workflow "golden-mi-cert-import", target managed_instance, made <made at>
-- OFFLINE plan (milink plan --offline): nothing was read to make it, so values in <angle brackets>
-- are placeholders for what a run reads or creates. It does not run as it is; review it, then
-- make a plan without --offline to get one that does.

-- step trust: read the instance's endpoint certificate
EXEC sp_get_endpoint_certificate @endpoint_type = 4;
GO

