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
// MILINK_AZ_CERT_HEX (a DER certificate, hex), MILINK_AZ_CERT_CLIENT_ID and
// MILINK_AZ_CERT_PEM (a service principal with a certificate: certificate and
// PKCS#8 key, PEM), IDENTITY_ENDPOINT and IDENTITY_HEADER (App Service's managed
// identity, read by ManagedIdentityCredential itself); NODE_EXTRA_CA_CERTS names
// the emulator's CA.
//
// What these checks hold the emulator to is what Azure does, as the SDKs'
// documentation describes it: ARM and Entra ID answer throttling (429) and
// unavailability (503) with Retry-After, and the SDKs' default pipelines retry
// both and succeed; a certificate credential signs a client assertion that
// Entra ID accepts for the application holding the certificate; App Service's
// identity endpoint issues ARM tokens for the IDENTITY_HEADER secret.
'use strict';
const assert = require('assert');
const crypto = require('crypto');
const { ClientSecretCredential, ClientCertificateCredential, ManagedIdentityCredential } = require('@azure/identity');
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

  await check('distributedAvailabilityGroups: update (PATCH) replicationMode with the poller', async () => {
    await client.distributedAvailabilityGroups.beginCreateOrUpdateAndWait(rg, mi, 'sdk-patch', link, poll);
    const updated = await client.distributedAvailabilityGroups.beginUpdateAndWait(
      rg, mi, 'sdk-patch', { replicationMode: 'Sync' }, poll);
    assert.strictEqual(updated.replicationMode, 'Sync');
    assert.strictEqual(updated.targetDatabase, 'sdkdb');  // a PATCH changes only what it names
    const got = await client.distributedAvailabilityGroups.get(rg, mi, 'sdk-patch');
    assert.strictEqual(got.replicationMode, 'Sync');
    await client.distributedAvailabilityGroups.beginDeleteAndWait(rg, mi, 'sdk-patch', poll);
  });

  await check('retries: ARM answers 429 then 503 with Retry-After, and the SDK retries to success', async () => {
    await setFaults('arm:429@1,arm:503@2');
    const instance = await client.managedInstances.get(rg, mi);
    assert.strictEqual(instance.name, mi);
    await setFaults('');
  });

  await check('retries: Entra ID answers 503 with Retry-After, and the credential retries to a token', async () => {
    // A new credential has no cached token: its first request is the one that fails.
    const fresh = new ClientSecretCredential(env.MILINK_AZ_TENANT, env.MILINK_AZ_CLIENT_ID, env.MILINK_AZ_CLIENT_SECRET,
                                             { authorityHost: env.MILINK_AZ_AUTHORITY, disableInstanceDiscovery: true });
    await setFaults('entra:503@2');  // 1: the OpenID configuration, 2: the token request
    const token = await fresh.getToken('https://management.azure.com/.default');
    assert.ok(token && token.token.split('.').length === 3, 'a JWT');
    await setFaults('');
  });

  const armWith = (cred) => new SqlManagementClient(cred, env.MILINK_AZ_SUBSCRIPTION, {
    endpoint: env.MILINK_AZ_ARM, $host: env.MILINK_AZ_ARM, credentialScopes: ['https://management.azure.com/.default'],
  });

  await check('ClientCertificateCredential: a certificate\'s signed assertion gets a token ARM accepts', async () => {
    const cred = new ClientCertificateCredential(env.MILINK_AZ_TENANT, env.MILINK_AZ_CERT_CLIENT_ID,
                                                 { certificate: env.MILINK_AZ_CERT_PEM },
                                                 { authorityHost: env.MILINK_AZ_AUTHORITY, disableInstanceDiscovery: true });
    const instance = await armWith(cred).managedInstances.get(rg, mi);
    assert.strictEqual(instance.name, mi);
  });

  await check('ClientCertificateCredential: an assertion signed by another key is refused (AADSTS700027)', async () => {
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    // The registered certificate with another key: the assertion's signature cannot verify.
    const pem = env.MILINK_AZ_CERT_PEM.replace(/-----BEGIN PRIVATE KEY-----[\s\S]*-----END PRIVATE KEY-----\n?/, '') +
                other.privateKey.export({ type: 'pkcs8', format: 'pem' });
    const cred = new ClientCertificateCredential(env.MILINK_AZ_TENANT, env.MILINK_AZ_CERT_CLIENT_ID, { certificate: pem },
                                                 { authorityHost: env.MILINK_AZ_AUTHORITY, disableInstanceDiscovery: true });
    await assert.rejects(cred.getToken('https://management.azure.com/.default'),
                         (e) => /AADSTS700027/.test(String(e.message)) && /invalid signature/.test(String(e.message)));
  });

  await check('ManagedIdentityCredential (App Service): a token from IDENTITY_ENDPOINT that ARM accepts', async () => {
    assert.ok(env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER, 'IDENTITY_ENDPOINT and IDENTITY_HEADER');
    const cred = new ManagedIdentityCredential();
    const instance = await armWith(cred).managedInstances.get(rg, mi);
    assert.strictEqual(instance.name, mi);
  });
}

/// Replaces the emulator's fault plan (POST /_emulator/faults on the ARM port,
/// which also restarts the per-service request counts): "arm:429@1" fails
/// the next ARM request with 429 and Retry-After: 1.
async function setFaults(spec) {
  const r = await fetch(`${env.MILINK_AZ_ARM}/_emulator/faults`, { method: 'POST', body: spec });
  assert.strictEqual(r.status, 200, `POST /_emulator/faults ${spec}: ${r.status} ${await r.text()}`);
}

main().then(() => process.exit(failed ? 1 : 0), (e) => {
  console.log(`FAIL setup: ${(e && e.stack) || e}`);
  process.exit(1);
});
