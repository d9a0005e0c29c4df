import fs from 'node:fs';
import path from 'node:path';
import { jobContainerName } from '../../src/model/conventions';
import { repoRoot } from './support/composeModel';
import { variablesReadBy } from './support/sourceVariables';

type Json = Record<string, unknown>;
interface Resource extends Json {
  type: string;
  apiVersion: string;
  name: string;
  properties?: Json;
  dependsOn?: string[];
  scope?: string;
  condition?: string;
}

const templateFile = path.join(repoRoot, 'deploy', 'azure', 'azuredeploy.json');
const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as {
  $schema: string;
  contentVersion: string;
  parameters: Record<string, { type: string; defaultValue?: unknown; allowedValues?: unknown[]; minValue?: number }>;
  variables: Record<string, unknown>;
  resources: Resource[];
  outputs: Record<string, { type: string; value: string }>;
};

/**
 * API versions Azure Resource Manager publishes for each type the template may
 * use (from the providers' REST API specifications); a typo or an invented
 * version fails here instead of at deployment.
 */
const knownApiVersions: Record<string, string[]> = {
  'Microsoft.Batch/batchAccounts': ['2023-05-01', '2023-11-01', '2024-02-01', '2024-07-01'],
  'Microsoft.Batch/batchAccounts/pools': ['2023-05-01', '2023-11-01', '2024-02-01', '2024-07-01'],
  'Microsoft.Storage/storageAccounts': ['2022-09-01', '2023-01-01', '2023-05-01'],
  'Microsoft.Storage/storageAccounts/managementPolicies': ['2022-09-01', '2023-01-01', '2023-05-01'],
  'Microsoft.ManagedIdentity/userAssignedIdentities': ['2018-11-30', '2023-01-31'],
  'Microsoft.Authorization/roleAssignments': ['2022-04-01'],
};

/** Built-in role definitions (ids are the same in every tenant). */
const roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  batchJobSubmitter: '48e5e92e-a480-4e71-aa9c-2778f4c13781',
};
const broadRoles = ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635' /* Owner */, 'b24988ac-6180-42a0-ab88-20f7382dd24c' /* Contributor */, '29fe4964-1e60-436b-bd3a-77fd4c178b3c' /* Batch Account Contributor */];

/** Every string in a JSON value, depth first. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
const expressions = (value: unknown) => strings(value).filter((text) => text.startsWith('[') && text.endsWith(']'));
const referenced = (value: unknown, fn: 'parameters' | 'variables') =>
  new Set(expressions(value).flatMap((text) => [...text.matchAll(new RegExp(`\\b${fn}\\('([^']+)'\\)`, 'g'))].map((match) => match[1])));
const resourcesOf = (type: string) => template.resources.filter((resource) => resource.type === type);
const only = (type: string): Resource => {
  const found = resourcesOf(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
};
/** The variable an expression like "[variables('x')]" names. */
const variableOf = (expression: string | undefined) => /^\[variables\('([^']+)'\)\]$/.exec(expression ?? '')?.[1];

describe('deploy/azure/azuredeploy.json, checked offline', () => {
  test('is an ARM deployment template', () => {
    expect(template.$schema).toBe('https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#');
    expect(template.contentVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  test('uses every parameter and variable it declares, and declares every one it uses', () => {
    const everything = { resources: template.resources, outputs: template.outputs, variables: template.variables, parameters: template.parameters };
    expect([...referenced(everything, 'parameters')].sort()).toEqual(Object.keys(template.parameters).sort());
    expect([...referenced(everything, 'variables')].sort()).toEqual(Object.keys(template.variables).sort());
  });

  test('every resource has a known type and API version, and depends only on resources it declares', () => {
    const declaredIds = new Map(
      Object.entries(template.variables)
        .filter(([, value]) => typeof value === 'string' && value.startsWith('[resourceId('))
        .map(([name, value]) => [name, /resourceId\('([^']+)'/.exec(value as string)![1]]),
    );
    for (const resource of template.resources) {
      expect({ type: resource.type, apiVersion: resource.apiVersion, known: knownApiVersions[resource.type]?.includes(resource.apiVersion) ?? false }).toEqual({
        type: resource.type,
        apiVersion: resource.apiVersion,
        known: true,
      });
      for (const dependency of resource.dependsOn ?? []) {
        const type = declaredIds.get(variableOf(dependency) ?? '');
        expect({ dependency, declared: type !== undefined && resourcesOf(type).length === 1 }).toEqual({ dependency, declared: true });
      }
    }
  });

  test('the storage account is the Batch account’s linked storage, private and TLS 1.2', () => {
    const storage = only('Microsoft.Storage/storageAccounts');
    const batch = only('Microsoft.Batch/batchAccounts');
    expect(storage.properties).toMatchObject({ allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true });
    const autoStorage = (batch.properties as { autoStorage: { storageAccountId: string } }).autoStorage;
    expect(template.variables[variableOf(autoStorage.storageAccountId)!]).toBe(`[resourceId('Microsoft.Storage/storageAccounts', variables('storageAccountName'))]`);
    expect(storage.name).toBe(`[variables('storageAccountName')]`);
  });

  test('a lifecycle rule deletes the blobs of job containers (the Batch File Conventions names the code uses) after the retention parameter', () => {
    const policy = only('Microsoft.Storage/storageAccounts/managementPolicies');
    expect(policy.name).toBe(`[format('{0}/default', variables('storageAccountName'))]`);
    const rules = (policy.properties as { policy: { rules: { enabled: boolean; type: string; definition: { filters: { prefixMatch: string[]; blobTypes: string[] }; actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: string } } } } }[] } }).policy.rules;
    expect(rules).toHaveLength(1);
    const [rule] = rules;
    expect(rule).toMatchObject({ enabled: true, type: 'Lifecycle' });
    const prefixes = rule.definition.filters.prefixMatch;
    for (const jobId of ['rb-5b0e1c2d', 'My_Job.1', 'x'.repeat(80)]) {
      expect({ container: jobContainerName(jobId), matched: prefixes.some((prefix) => jobContainerName(jobId).startsWith(prefix)) }).toEqual({
        container: jobContainerName(jobId),
        matched: true,
      });
    }
    expect(prefixes.every((prefix) => prefix.startsWith('job-'))).toBe(true);
    expect(rule.definition.filters.blobTypes).toEqual(expect.arrayContaining(['blockBlob', 'appendBlob']));
    const days = /^\[parameters\('([^']+)'\)\]$/.exec(rule.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan)?.[1];
    expect(days).toBeDefined();
    expect(template.parameters[days!]).toMatchObject({ type: 'int', minValue: 1 });
  });

  test('the pool runs Ubuntu with a Docker-compatible runtime, one task slot per vCPU of its VM size from the map', () => {
    const pool = only('Microsoft.Batch/batchAccounts/pools');
    const properties = pool.properties as {
      vmSize: string;
      taskSlotsPerNode: string;
      deploymentConfiguration: { virtualMachineConfiguration: { nodeAgentSkuId: string; containerConfiguration: { type: string } } };
    };
    const lookup = /^\[parameters\('([^']+)'\)\[parameters\('([^']+)'\)\]\]$/.exec(properties.taskSlotsPerNode);
    expect(lookup).not.toBeNull();
    const [, mapName, sizeName] = lookup!;
    expect(properties.vmSize).toBe(`[parameters('${sizeName}')]`);
    const map = template.parameters[mapName];
    const size = template.parameters[sizeName];
    expect(map.type).toBe('object');
    const vcpus = map.defaultValue as Record<string, number>;
    expect(Object.keys(vcpus)).toContain(size.defaultValue);
    expect(Object.keys(vcpus).length).toBeGreaterThanOrEqual(10);
    for (const [name, count] of Object.entries(vcpus)) {
      // Azure's size names carry the vCPU count after the family letter: Standard_D4s_v3 has 4.
      expect({ name, count }).toEqual({ name, count: Number(/^Standard_[A-Z](\d+)/.exec(name)![1]) });
      expect(count).toBeLessThanOrEqual(256);
    }
    expect(template.outputs.taskSlotsPerNode.value).toBe(properties.taskSlotsPerNode);

    const vm = properties.deploymentConfiguration.virtualMachineConfiguration;
    expect(vm.containerConfiguration.type).toBe('DockerCompatible');
    const image = template.parameters[/^\[parameters\('([^']+)'\)\.nodeAgentSkuId\]$/.exec(vm.nodeAgentSkuId)![1]].defaultValue as Record<string, string>;
    expect(image.nodeAgentSkuId).toMatch(/^batch\.node\.ubuntu \d\d\.04$/);
    expect(image.offer).toMatch(/ubuntu/);
  });

  test('the worker identity gets exactly Storage Blob Data Contributor on the storage account and Batch Job Submitter on the Batch account', () => {
    const identity = only('Microsoft.ManagedIdentity/userAssignedIdentities');
    expect(template.variables.workerIdentityId).toBe(`[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', ${identity.name.slice(1, -1)})]`);
    const assignments = resourcesOf('Microsoft.Authorization/roleAssignments').map((assignment) => {
      const properties = assignment.properties as { roleDefinitionId: string; principalId: string; principalType: string };
      return {
        role: template.variables[/variables\('([^']+RoleId)'\)/.exec(properties.roleDefinitionId)![1]],
        scope: variableOf(assignment.scope),
        principal: properties.principalId,
        principalType: properties.principalType,
      };
    });
    const principal = `[reference(variables('workerIdentityId'), '2023-01-31').principalId]`;
    expect(assignments).toEqual(
      expect.arrayContaining([
        { role: roles.storageBlobDataContributor, scope: 'storageAccountId', principal, principalType: 'ServicePrincipal' },
        { role: roles.batchJobSubmitter, scope: 'batchAccountId', principal, principalType: 'ServicePrincipal' },
      ]),
    );
    expect(assignments).toHaveLength(2);
    for (const role of broadRoles) expect(strings(template)).not.toContain(role);
  });

  test('outputs what the worker’s connection reads (AZURE_* variables, DefaultAzureCredential’s client id)', () => {
    const read = variablesReadBy('src/connections/store.ts');
    const outputsForVariables: Record<string, string> = {
      AZURE_BATCH_ENDPOINT: 'batchEndpoint',
      AZURE_BATCH_ACCOUNT: 'batchAccountName',
      AZURE_STORAGE_ACCOUNT: 'storageAccountName',
    };
    for (const [variable, output] of Object.entries(outputsForVariables)) {
      expect(read.has(variable)).toBe(true);
      expect(template.outputs[output]).toMatchObject({ type: 'string' });
    }
    expect(template.outputs.batchEndpoint.value).toMatch(/^\[format\('https:\/\/\{0\}', reference\(.*\)\.accountEndpoint\)\]$/);
    expect(Object.keys(template.outputs)).toEqual(expect.arrayContaining(['blobEndpoint', 'poolId', 'workerIdentityClientId', 'workerIdentityResourceId']));
  });
});

describe('docs/azure.md against the template', () => {
  const guide = fs.readFileSync(path.join(repoRoot, 'docs', 'azure.md'), 'utf8');

  test('documents every parameter in its table, and passes only parameters the template declares', () => {
    const table = [...guide.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((match) => match[1]).filter((name) => name in template.parameters || /^[a-z][A-Za-z]+$/.test(name));
    expect(new Set(table)).toEqual(new Set(Object.keys(template.parameters).filter((name) => name !== 'location')));
    const passed = [...guide.matchAll(/--parameters ([^\n]+)/g)].flatMap((match) => [...match[1].matchAll(/\b([A-Za-z]+)=/g)].map((pair) => pair[1]));
    expect(passed.length).toBeGreaterThan(3);
    for (const name of passed) expect({ name, declared: name in template.parameters }).toEqual({ name, declared: true });
  });

  test('reads only outputs the template has', () => {
    const read = [...guide.matchAll(/\bout (\w+)\)/g)].map((match) => match[1]);
    expect(read.length).toBeGreaterThan(3);
    for (const name of read) expect({ name, output: name in template.outputs }).toEqual({ name, output: true });
  });

  test('names the template’s roles and its compose override', () => {
    expect(guide).toContain('Azure Batch Job Submitter');
    expect(guide).toContain('Storage Blob Data Contributor');
    expect(guide).toContain('docker-compose.azure.yml');
    expect(fs.existsSync(path.join(repoRoot, 'docker-compose.azure.yml'))).toBe(true);
  });
});
