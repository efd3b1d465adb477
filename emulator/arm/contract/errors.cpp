// The resource provider's error codes the emulator answers with: status, message template and the
// api-versions whose operations list them (from the error lists of the specs' default responses).
#include "arm/contract/contract.hpp"

namespace milink::emulator::arm {

std::vector<ContractError> error_contracts() {
  const std::string dag = "managedInstances/distributedAvailabilityGroups";
  const std::string trust = "managedInstances/serverTrustCertificates";
  const std::string body = "Distributed Availability Group Create or Update request body ";
  const std::string failover = "Planned failover cannot be executed if ";
  const std::string setrole = "User attempted to perform setRole operation ";
  const std::string throttled = "Requests beyond max requests that can be processed by available resources.";
  return {
      // Every version.
      {"OperationInterrupted", 409,
       "The operation on the resource could not be completed because it was interrupted by another operation on the "
       "same resource.",
       dag, "2021-05-01-preview", ""},
      {"OperationIdNotFound", 404, "The operation with Id does not exist.", dag, "2021-05-01-preview", ""},
      {"ManagedDatabaseNameInUse", 400, "Database '{0}' already exists. Choose a different database name.", dag,
       "2021-05-01-preview", ""},
      {"SubscriptionTooManyRequests", 429, throttled, dag, "2021-05-01-preview", ""},
      {"TooManyRequests", 503, throttled, dag, "2021-05-01-preview", ""},
      // The link's own checks.
      {"InvalidDistributedAvailabilityGroupsCreateOrUpdateRequest", 400, body + "is empty or invalid.", dag,
       "2023-08-01", ""},
      {"InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestDatabases", 400,
       body + "has empty or Invalid Databases.", dag, "2023-08-01", ""},
      {"InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestPartnerAvailabilityGroupName", 400,
       body + "has empty or Invalid Partner Availability Group Name.", dag, "2023-08-01", ""},
      {"InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestInstanceAvailabilityGroupName", 400,
       body + "has empty or Invalid Instance Availability Group Name.", dag, "2023-08-01", ""},
      {"InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestPartnerEndpoint", 400,
       body + "has empty or Invalid Partner Endpoint.", dag, "2023-08-01", ""},
      {"InvalidDistributedAvailabilityGroupsCreateOrUpdateRequestSeedingMode", 400,
       body + "has empty or Invalid Seeding Mode. Currently, only the 'Automatic' mode is supported.", dag,
       "2023-08-01", ""},
      {"InstanceAvailabilityGroupNamePartnerAvailabilityGroupNameMatch", 400,
       body + "has equal Instance and Partner Availability Group Names.", dag, "2023-08-01", ""},
      {"CloudLifterChimeraMIAgNameIsAlreadyUsed", 400,
       "Managed Instance link cannot be created because Managed Instance side AG name '{0}' is already used on "
       "Managed Instance '{1}'. Choose different name and retry to create link.",
       dag, "2023-08-01", ""},
      {"ManagedInstanceLinkForProvidedAvailabilityGroupsAlreadyExists", 400,
       "It is not possible to add an additional database to an existing Managed Instance link as a single link can "
       "contain only one database. Please use a different distributed availability group name and try again.",
       dag, "2021-05-01-preview", ""},
      // The multi-database link (linkMode MultiDatabase; the add/remove-databases request came with
      // 2025-02-01-preview, whose spec is not at hand: 2025-08-01-preview lists these).
      {"InvalidMultiDbDistributedAvailabilityGroupDatabasesRequest", 400,
       "Multi-database Distributed Availability Group Add or Remove databases request body has empty or Invalid "
       "Databases.",
       dag, "2025-02-01-preview", ""},
      {"InvalidMultiDbDistributedAvailabilityGroupName", 400,
       "Multi-database Distributed Availability Group name can only be made up of lowercase letters 'a'-'z', the "
       "numbers 0-9 and the hyphen. The hyphen may not lead or trail in the name.",
       dag, "2025-02-01-preview", ""},
      {"InvalidOperationForDatabaseInReplicationRelationship", 409,
       "A replication seeding operation was performed on a database that is already in a replication relationship.",
       dag, "2025-02-01-preview", ""},
      // failover and setRole.
      {"InvalidDistributedAvailabilityGroupFailoverRequest", 400,
       "Distributed Availability Group Failover request body is empty or invalid.", dag, "2023-08-01", ""},
      {"InvalidDistributedAvailabilityGroupFailoverInstanceRole", 400,
       "Planned failover can be executed on a link in the primary role only. Current state of the specified link is "
       "secondary.",
       dag, "2023-08-01", "2025-02-01-preview"},
      {"DistributedAvailabilityGroupFailoverInvalidInstanceRole", 400,
       "A planned failover of Azure SQL Managed Instance link cannot be initiated from the secondary instance. "
       "Initiate failover from the primary instance for this link.",
       dag, "2025-08-01-preview", ""},
      {"DistributedAvailabilityGroupFailoverSecondariesNotSynchronizing", 409,
       failover + "secondaries are not synchronizing.", dag, "2023-08-01", ""},
      {"DistributedAvailabilityGroupFailoverLogSendQueueSizeTooBig", 409, failover + "send queue is too large.", dag,
       "2023-08-01", ""},
      {"DistributedAvailabilityGroupSetRoleInstanceAlreadyInRequestedRole", 409,
       setrole + "while managed instance link is already in requested role.", dag, "2022-05-01-preview", ""},
      {"DistributedAvailabilityGroupSetRolePrimaryPlannedNotSupported", 409,
       setrole + "to primary in planned fashion and that is not supported.", dag, "2022-05-01-preview",
       "2025-02-01-preview"},
      // serverTrustCertificates.
      {"MissingCertificateName", 400, "The certificate name is missing.", trust, "2021-05-01-preview", ""},
      {"MissingPublicBlob", 400, "The public blob is missing.", trust, "2021-05-01-preview", ""},
      {"InvalidPublicBlob", 400, "Invalid public blob specified, reason: '{0}'.", trust, "2021-05-01-preview", ""},
      {"CertificateAlreadyExists", 400,
       "A certificate with a given name already exists or this certificate already has been added to the database.",
       trust, "2021-11-01-preview", ""},
  };
}

}  // namespace milink::emulator::arm
