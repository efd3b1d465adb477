// The Managed Instance link (managedInstances/distributedAvailabilityGroups), every published api-version.
//
// Four body shapes over the versions (emulator/arm/README.md, "The contract"):
//   old      2021-05-01-preview .. 2022-02-01-preview: one database, flat names (targetDatabase, sourceEndpoint ...)
//   old+role 2022-05-01-preview .. 2022-11-01-preview: + read-only instanceRole, the setRole action
//   mixed    2023-02-01-preview: PUT takes the old names, the resource answers the new ones, nearly all read-only
//   new      2023-05-01-preview on: databases[], partner/instance names, failover and seeding modes;
//            failover from 2023-08-01-preview; linkMode from 2025-02-01-preview.
#include "arm/contract/builders.hpp"

namespace milink::emulator::arm {

using namespace build;

namespace {

const char* kType = "managedInstances/distributedAvailabilityGroups";
const char* kCollection = "managedInstances/{managedInstanceName}/distributedAvailabilityGroups";
const char* kItem = "managedInstances/{managedInstanceName}/distributedAvailabilityGroups/{distributedAvailabilityGroupName}";

enum class Shape { Old, OldWithRole, Mixed, New2023_05, New, NewMultiDatabase };

const std::vector<std::string> kLinkRoles{"Primary", "Secondary"};

std::vector<Field> old_properties(const std::string& replication_enum) {
  return {text("targetDatabase"),
          text("sourceEndpoint"),
          text("primaryAvailabilityGroupName"),
          text("secondaryAvailabilityGroupName"),
          choice("replicationMode", replication_enum, {"Async", "Sync"})};
}

std::vector<Field> old_read_only() {
  return read_only({uuid("distributedAvailabilityGroupId"), uuid("sourceReplicaId"), uuid("targetReplicaId"),
                    text("linkState"), text("lastHardenedLsn")});
}

/// A database of a new-shape link.
Field databases(Shape shape) {
  std::vector<Field> cert{read_only(text("certificateName"))};
  if (shape == Shape::Mixed || shape == Shape::New2023_05) cert.push_back(read_only(text("certificateId")));
  cert.push_back(read_only(date_time("expiryDate")));
  Field name = text("databaseName");
  if (shape == Shape::Mixed || shape == Shape::New2023_05) name.read_only = true;
  std::vector<Field> item{name, read_only(uuid("instanceReplicaId")), read_only(uuid("partnerReplicaId")),
                          read_only(text("replicaState"))};
  if (shape == Shape::New || shape == Shape::NewMultiDatabase) item.push_back(read_only(text("seedingProgress")));
  item = item + read_only({choice("synchronizationHealth", "ReplicaSynchronizationHealth",
                                  {"NOT_HEALTHY", "PARTIALLY_HEALTHY", "HEALTHY"}),
                           choice("connectedState", "ReplicaConnectedState", {"DISCONNECTED", "CONNECTED"}),
                           text("lastReceivedLsn"), date_time("lastReceivedTime"), text("lastSentLsn"),
                           date_time("lastSentTime"), text("lastCommitLsn"), date_time("lastCommitTime"),
                           text("lastHardenedLsn"), date_time("lastHardenedTime"), text("lastBackupLsn"),
                           date_time("lastBackupTime")});
  if (shape != Shape::Mixed) item.push_back(read_only(text("mostRecentLinkError")));
  item.push_back(read_only(object("partnerAuthCertValidity", "CertificateInfo", cert)));
  item = item + read_only({int32("instanceSendReplicationLagSeconds"), int32("instanceRedoReplicationLagSeconds")});
  return array_of("databases", "DistributedAvailabilityGroupDatabase", item);
}

std::vector<Field> new_properties(Shape shape) {
  std::vector<Field> p{read_only(text("distributedAvailabilityGroupName")),
                       read_only(uuid("distributedAvailabilityGroupId")),
                       choice("replicationMode", "ReplicationModeType", {"Async", "Sync"}),
                       read_only(choice("partnerLinkRole", "LinkRole", kLinkRoles)),
                       text("partnerAvailabilityGroupName"),
                       text("partnerEndpoint"),
                       choice("instanceLinkRole", "LinkRole", kLinkRoles),
                       text("instanceAvailabilityGroupName")};
  if (shape == Shape::Mixed) {
    // 2023-02-01-preview answers these names but takes none of them but replicationMode.
    for (auto& f : p)
      if (f.name != "replicationMode") f.read_only = true;
  } else {
    p.push_back(choice("failoverMode", "FailoverModeType", {"None", "Manual"}));
    p.push_back(choice("seedingMode", "SeedingModeType", {"Automatic", "Manual"}));
  }
  if (shape == Shape::NewMultiDatabase) p.push_back(choice("linkMode", "LinkModeType", {"SingleDatabase", "MultiDatabase"}));
  p.push_back(databases(shape));
  return p;
}

TypeContract link(const std::string& version, Shape shape) {
  TypeContract t;
  t.resource_type = kType;
  t.api_version = version;
  std::vector<Field> props;
  switch (shape) {
    case Shape::Old: props = old_properties("ReplicationMode") + old_read_only(); break;
    case Shape::OldWithRole: props = old_properties("ReplicationMode") + old_read_only() + std::vector<Field>{read_only(text("instanceRole"))}; break;
    default: props = new_properties(shape); break;
  }
  t.resource = resource("DistributedAvailabilityGroup", "DistributedAvailabilityGroupProperties", props);
  BodyKind put = BodyKind::Resource;
  std::string put_request;
  if (shape == Shape::Mixed) {
    put = BodyKind::Request;
    put_request = "DistributedAvailabilityGroupsCreateOrUpdateRequestBody";
    t.requests.push_back(Schema{put_request,
                                {object("properties", "CreateOrUpdateProperties", old_properties("ReplicationModeType"))}});
  }
  t.operations = {op("DistributedAvailabilityGroups_ListByInstance", "GET", kCollection),
                  op("DistributedAvailabilityGroups_Get", "GET", kItem),
                  op("DistributedAvailabilityGroups_CreateOrUpdate", "PUT", kItem, true, put, put_request),
                  op("DistributedAvailabilityGroups_Delete", "DELETE", kItem, true),
                  op("DistributedAvailabilityGroups_Update", "PATCH", kItem, true, BodyKind::Resource)};
  bool has_failover = shape == Shape::New || shape == Shape::NewMultiDatabase;
  if (shape != Shape::Old) {
    t.requests.push_back(Schema{"DistributedAvailabilityGroupSetRole",
                                {required(choice("instanceRole", "InstanceRole", {"Primary", "Secondary"})),
                                 required(choice("roleChangeType", "RoleChangeType", {"Forced", "Planned"}))}});
    t.operations.push_back(op("DistributedAvailabilityGroups_SetRole", "POST", std::string(kItem) + "/setRole", true,
                              BodyKind::Request, "DistributedAvailabilityGroupSetRole", "setRole"));
  }
  if (has_failover) {
    t.requests.push_back(Schema{"DistributedAvailabilityGroupsFailoverRequest",
                                {required(choice("failoverType", "FailoverType", {"ForcedAllowDataLoss", "Planned"}))}});
    t.operations.push_back(op("DistributedAvailabilityGroups_Failover", "POST", std::string(kItem) + "/failover", true,
                              BodyKind::Request, "DistributedAvailabilityGroupsFailoverRequest", "failover"));
  }
  return finish(std::move(t));
}

}  // namespace

std::vector<TypeContract> link_contracts() {
  const std::pair<const char*, Shape> versions[] = {
      {"2021-05-01-preview", Shape::Old},         {"2021-08-01-preview", Shape::Old},
      {"2021-11-01-preview", Shape::Old},         {"2021-11-01", Shape::Old},
      {"2022-02-01-preview", Shape::Old},         {"2022-05-01-preview", Shape::OldWithRole},
      {"2022-08-01-preview", Shape::OldWithRole}, {"2022-11-01-preview", Shape::OldWithRole},
      {"2023-02-01-preview", Shape::Mixed},       {"2023-05-01-preview", Shape::New2023_05},
      {"2023-08-01-preview", Shape::New},         {"2023-08-01", Shape::New},
      {"2024-05-01-preview", Shape::New},         {"2024-11-01-preview", Shape::New},
      {"2025-01-01", Shape::New},                 {"2025-02-01-preview", Shape::NewMultiDatabase},
      {"2025-08-01-preview", Shape::NewMultiDatabase}, {"2026-08-01-preview", Shape::NewMultiDatabase},
  };
  std::vector<TypeContract> out;
  for (const auto& [v, shape] : versions) out.push_back(link(v, shape));
  return out;
}

}  // namespace milink::emulator::arm
