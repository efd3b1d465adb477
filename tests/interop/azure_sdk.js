// Drives the emulator's Azure side with Microsoft's JavaScript SDK, unchanged:
// @azure/identity's ClientSecretCredential against the emulator's Entra ID
// and @azure/arm-sql's SqlManagementClient against its ARM, at the
// api-versions the SDK itself sends (2021-11-01-preview for links and trust
// certificates, 2022-08-01-preview for the managed instance), with the SDK's
// own long-running-operation pollers. Prints "PASS name" or "FAIL name: why"
// per check; tests/interop/interop_tests.cpp runs it and asserts every check passed.
//
// Environment: MILINK_AZ_TENANT, MILINK_AZ_CLIENT_ID, MILINK_AZ_CLIENT_SECRET,
// MILINK_AZ_AUTHORITY (Entra ID), MILINK_AZ_ARM (ARM endpoint),
// MILINK_AZ_SUBSCRIPTION, MILINK_AZ_RESOURCE_GROUP, MILINK_AZ_INSTANCE,
// MILINK_AZ_CERT_HEX (a DER certificate, hex); NODE_EXTRA_CA_CERTS names the emulator's CA.
'use strict';
const assert = require('assert');
const crypto = require('crypto');
const { ClientSecretCredential } = require('@azure/identity');
const { SqlManagementClient } = require('@azure/arm-sql');

const env = process.env;
const rg = env.MILINK_AZ_RESOURCE_GROUP;
const mi = env.MILINK_AZ_INSTANCE;
const poll = { updateIntervalInMs: 50 };
let failed = false;

async function check(name, fn) {
  try {
    await fn();
    console.log(`PASS ${name}`);
  } catch (e) {
    failed = true;
    console.log(`FAIL ${name}: ${(e && e.stack) || e}`);
  }
}

async function all(iterable) {
  const out = [];
  for await (const x of iterable) out.push(x);
  return out;
}

async function main() {
  // As for any authority host that is not a public cloud's: no instance discovery at login.microsoftonline.com.
  const credential = new ClientSecretCredential(env.MILINK_AZ_TENANT, env.MILINK_AZ_CLIENT_ID, env.MILINK_AZ_CLIENT_SECRET,
                                                { authorityHost: env.MILINK_AZ_AUTHORITY, disableInstanceDiscovery: true });
  // ARM's audience, as the public cloud's; the endpoint is the emulator's.
  const client = new SqlManagementClient(credential, env.MILINK_AZ_SUBSCRIPTION, {
    endpoint: env.MILINK_AZ_ARM,
    $host: env.MILINK_AZ_ARM,
    credentialScopes: ['https://management.azure.com/.default'],
  });

  await check('managedInstances.get: the instance', async () => {
    const instance = await client.managedInstances.get(rg, mi);
    assert.strictEqual(instance.name, mi);
    assert.strictEqual(instance.type, 'Microsoft.Sql/managedInstances');
    assert.ok(instance.fullyQualifiedDomainName, 'fullyQualifiedDomainName');
  });

  const der = Buffer.from(env.MILINK_AZ_CERT_HEX, 'hex');
  const thumbprint = crypto.createHash('sha1').update(der).digest('hex').toUpperCase();
  await check('serverTrustCertificates: create with the poller, get, list', async () => {
    const created = await client.serverTrustCertificates.beginCreateOrUpdateAndWait(
      rg, mi, 'sdk-trust', { publicBlob: `0x${env.MILINK_AZ_CERT_HEX}` }, poll);
    assert.strictEqual(created.name, 'sdk-trust');
    assert.strictEqual(created.thumbprint, thumbprint);
    assert.strictEqual(created.certificateName, 'sdk-trust');
    const got = await client.serverTrustCertificates.get(rg, mi, 'sdk-trust');
    assert.strictEqual(got.thumbprint, thumbprint);
    const listed = await all(client.serverTrustCertificates.listByInstance(rg, mi));
    assert.ok(listed.some((c) => c.name === 'sdk-trust'), JSON.stringify(listed));
  });

  await check('serverTrustCertificates: a blob that is no certificate is InvalidPublicBlob', async () => {
    await assert.rejects(
      client.serverTrustCertificates.beginCreateOrUpdateAndWait(rg, mi, 'sdk-bad', { publicBlob: '0x1234' }, poll),
      (e) => e.statusCode === 400 && e.code === 'InvalidPublicBlob');
  });

  const link = {
    targetDatabase: 'sdkdb',
    sourceEndpoint: 'TCP://sqlbox1.contoso.com:5022',
    primaryAvailabilityGroupName: 'AG_sdkdb',
    secondaryAvailabilityGroupName: 'mi-ag-sdkdb',
  };
  await check('distributedAvailabilityGroups: create with the poller, get, list, delete', async () => {
    const poller = await client.distributedAvailabilityGroups.beginCreateOrUpdate(rg, mi, 'sdk-link', link, poll);
    const created = await poller.pollUntilDone();
    assert.strictEqual(created.name, 'sdk-link');
    assert.strictEqual(created.targetDatabase, 'sdkdb');
    assert.strictEqual(created.sourceEndpoint, link.sourceEndpoint);
    assert.strictEqual(created.secondaryAvailabilityGroupName, 'mi-ag-sdkdb');
    assert.match(created.distributedAvailabilityGroupId, /^[0-9a-f-]{36}$/);
    const got = await client.distributedAvailabilityGroups.get(rg, mi, 'sdk-link');
    assert.strictEqual(got.primaryAvailabilityGroupName, 'AG_sdkdb');
    assert.strictEqual(got.databases, undefined);  // the old shape of 2021-11-01-preview
    const listed = await all(client.distributedAvailabilityGroups.listByInstance(rg, mi));
    assert.ok(listed.some((l) => l.name === 'sdk-link'), JSON.stringify(listed));
    await client.distributedAvailabilityGroups.beginDeleteAndWait(rg, mi, 'sdk-link', poll);
    await assert.rejects(client.distributedAvailabilityGroups.get(rg, mi, 'sdk-link'),
                         (e) => e.statusCode === 404 && e.code === 'ResourceNotFound');
  });

  await check('distributedAvailabilityGroups: an unknown member is InvalidRequestContent', async () => {
    await assert.rejects(
      client.distributedAvailabilityGroups.beginCreateOrUpdateAndWait(
        rg, mi, 'sdk-bad', { ...link, replicationMode: 'Sometimes' }, poll),
      (e) => e.statusCode === 400 && e.code === 'InvalidRequestContent');
  });
}

main().then(() => process.exit(failed ? 1 : 0), (e) => {
  console.log(`FAIL setup: ${(e && e.stack) || e}`);
  process.exit(1);
});
