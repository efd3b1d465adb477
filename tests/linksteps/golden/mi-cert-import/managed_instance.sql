-- milink plan for workflow "golden-mi-cert-import", target managed_instance
-- Review before running. Nothing was executed to produce this file.

-- step trust: read the instance's endpoint certificate
EXEC sp_get_endpoint_certificate @endpoint_type = 4;
GO

