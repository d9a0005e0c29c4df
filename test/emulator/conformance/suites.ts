/**
 * What the recordings alone do not say, read from the test files of `@azure-rest/batch`
 * (sdk/batch/batch-rest/test/public/*.spec.ts in Azure/azure-sdk-for-js): the order the tests
 * of a suite ran in (each recording is one test, and later tests use what earlier ones made),
 * what the suite's `before` hook created outside any recording, and which recordings need what
 * an emulator cannot have. Ids are written as recorded; `extract.ts` renames them.
 */

import type { Condition } from './fixtureTypes';

export interface SuiteStep {
  method: string;
  uri: string;
  body?: unknown;
  /** Then poll a GET of this URI until the answer meets the condition. */
  waitFor?: { uri: string; until: Condition };
}

export interface SuiteDescription {
  name: string;
  spec: string;
  setup: SuiteStep[];
  setupReason?: string;
  /** Recording names (without `recording_` and `.json`) in the order the tests ran. */
  order: string[];
  outOfScope?: Record<string, string>;
  /** The condition each polling test waited for (its loop's exit test, as the spec wrote it). */
  pollUntil?: Record<string, Condition>;
  before?: Record<string, { steps: SuiteStep[]; reason: string }>;
}

const CLOUD_SERVICE_POOL = (id: string, nodes: number) => ({
  id,
  vmSize: 'Standard_D1_v2',
  cloudServiceConfiguration: { osFamily: '4' },
  targetDedicatedNodes: nodes,
  startTask: { commandLine: 'cmd /c echo hello > hello.txt' },
  userAccounts: [{ name: 'nonAdminUser', password: 'fakePasswordValue', elevationLevel: 'nonadmin' }],
});

const v19 = 'api-version=2024-02-01.19.0';

/**
 * The replay's emulator never ends a resize on its own (its resize duration is an hour): a pool's
 * nodes finish arriving where the recording shows the real ones had, through this emulator route.
 */
const nodesArrived = (poolId: string, version = v19): SuiteStep => ({
  method: 'POST',
  uri: `https://endpoint/emulator/pools/${poolId}/completeresize`,
  waitFor: { uri: `https://endpoint/pools/${poolId}?${version}`, until: { allocationState: 'steady' } },
});

export const SUITES: SuiteDescription[] = [
  {
    name: 'task_operations_test',
    spec: 'sdk/batch/batch-rest/test/public/tasks.spec.ts',
    setup: [
      { method: 'POST', uri: `https://endpoint/pools?${v19}`, body: CLOUD_SERVICE_POOL('JSSDKTest-Pool-Basic-02a9', 4) },
      { method: 'POST', uri: `https://endpoint/jobs?${v19}`, body: { id: 'JSSDKTest-Job-Basic-4a55', poolInfo: { poolId: 'JSSDKTest-Pool-Basic-02a9' } } },
    ],
    setupReason: 'The hook created the pool and the job seconds before the tests; the nodes were still being allocated (tasks stayed active through "get task reference").',
    before: {
      should_create_a_task_with_a_user_identity_successfully: {
        steps: [nodesArrived('JSSDKTest-Pool-Basic-02a9')],
        reason: 'The pool\'s nodes became ready while this test polled its task (it completed at 05:47:40).',
      },
    },
    pollUntil: { should_create_a_task_with_a_user_identity_successfully: { state: 'completed' } },
    order: [
      'should_create_a_task_with_container_settings_successfully',
      'should_create_a_task_with_exit_conditions_successfully',
      'should_create_a_task_successfully',
      'should_terminate_a_task_successfully',
      'should_create_a_second_task_with_output_files_successfully',
      'should_reactivate_a_task_successfully',
      'should_update_a_task_successfully',
      'should_list_all_tasks_successfully',
      'should_get_task_reference_successfully',
      'should_add_a_task_with_an_application_package_reference_successfully',
      'should_create_a_task_with_authentication_token_settings_successfully',
      'should_create_a_task_with_a_user_identity_successfully',
      'should_count_tasks_sucessfully',
      'should_delete_a_task_successfully',
      'should_delete_second_task_successfully',
    ],
  },
  {
    name: 'job_operations_test',
    spec: 'sdk/batch/batch-rest/test/public/jobs.spec.ts',
    setup: [{ method: 'POST', uri: `https://endpoint/pools?${v19}`, body: CLOUD_SERVICE_POOL('JSSDKTest-Pool-Basic-0fc0', 4) }],
    order: [
      'should_create_a_job_successfully',
      'should_update_a_job_successfully',
      'should_patch_a_job_successfully',
      'should_get_a_job_reference_successfully',
      'should_list_jobs_successfully',
      'should_fail_to_job_preprelease_status',
      'should_disable_a_job_successfully',
      'should_enable_a_job_successfully',
      'should_terminate_a_job_successfully',
      'should_delete_a_job_successfully',
    ],
  },
  {
    name: 'pool_operations_test',
    spec: 'sdk/batch/batch-rest/test/public/pools.spec.ts',
    setup: [],
    before: {
      should_get_a_pool_reference_successfully: {
        steps: [nodesArrived('JSSDKTest-Pool-Basic-8190', 'api-version=2023-11-01.18.0')],
        reason: 'The test polled until the pool was steady (07:08:18).',
      },
      should_get_pool_node_counts_successfully: {
        steps: [nodesArrived('JSSDKTest-Pool-Endpoint-8190', 'api-version=2023-11-01.18.0')],
        reason: 'The test polled until the endpoint pool\'s node was idle (07:10:03).',
      },
    },
    pollUntil: {
      should_get_a_pool_reference_successfully: { allocationState: 'steady' },
      should_get_the_details_of_a_pool_with_endpoint_configuration_successfully: { 'value[]': true },
      should_get_pool_node_counts_successfully: { 'value[].dedicated.creating': 0, 'value[].dedicated.starting': 0 },
      should_start_pool_resizing_successfully: { allocationState: 'steady' },
    },
    order: [
      'create_batch_pool_successfully',
      'should_patch_pool_parameters_successfully',
      'should_get_a_pool_reference_successfully',
      'should_update_pool_parameters_successfully',
      'should_get_a_pool_reference_with_odata_successfully',
      'should_list_pools_without_filters',
      'should_list_a_maximum_number_of_pools',
      'should_fail_to_list_pools_with_invalid_max',
      'should_list_pools_according_to_filter',
      'should_check_that_pool_exists_successfully',
      'should_add_a_pool_with_a_data_disk',
      'should_add_a_pool_with_inbound_endpoint_configuration_successfully',
      'should_get_the_details_of_a_pool_with_endpoint_configuration_successfully',
      'should_get_pool_node_counts_successfully',
      'should_create_a_second_pool_successfully',
      'should_start_pool_resizing_successfully',
      'should_stop_pool_resizing_successfully',
      'should_get_pool_lifetime_statistics',
      'should_list_pools_usage_metrics',
      'should_delete_a_pool_successfully',
      'should_delete_a_second_pool_successfully',
      'should_delete_a_third_pool_successfully',
      'should_create_a_pool_with_securityprofile__os_disk',
      'should_create_a_pool_with_auto_os_upgrade',
    ],
  },
  {
    name: 'compute_node_operations',
    spec: 'sdk/batch/batch-rest/test/public/computeNodes.spec.ts',
    setup: [{ method: 'POST', uri: `https://endpoint/pools?${v19}`, body: CLOUD_SERVICE_POOL('JSSDKTest-Pool-Basic-82a4', 4) }],
    before: {
      should_list_compute_nodes_successfully: {
        steps: [nodesArrived('JSSDKTest-Pool-Basic-82a4')],
        reason: 'The test polled until every node was idle (04:21:26).',
      },
    },
    pollUntil: { should_list_compute_nodes_successfully: { 'value[].state': 'idle' } },
    order: [
      'should_list_compute_nodes_successfully',
      'should_get_a_compute_node_reference',
      'should_add_a_user_to_a_compute_node_successfully',
      'should_update_a_compute_node_user_successfully',
      'should_get_a_remote_desktop_file_successfully',
      'should_delete_a_compute_node_user_successfully',
      'should_disable_scheduling_on_a_compute_node_successfully',
      'should_enable_scheduling_on_a_compute_node_successfully',
      'should_reboot_a_compute_node_successfully',
      'should_reimage_a_compute_node_successfully',
      'should_upload_pool_node_logs_at_paas_pool',
    ],
    outOfScope: {
      should_get_a_remote_desktop_file_successfully: 'An RDP file for a Windows cloud-service node: the emulator\'s nodes are local process groups with no remote desktop.',
      should_upload_pool_node_logs_at_paas_pool: 'Uploads the Batch node agent\'s own log files to a real storage container (the recording\'s container is a placeholder host).',
    },
  },
  {
    name: 'autoscale_operations',
    spec: 'sdk/batch/batch-rest/test/public/poolScaling.spec.ts',
    setup: [
      { method: 'POST', uri: `https://endpoint/pools?${v19}`, body: CLOUD_SERVICE_POOL('JSSDKTest-Pool-Basic-bd6c', 4) },
      nodesArrived('JSSDKTest-Pool-Basic-bd6c'),
    ],
    setupReason: 'The hook waited until the pool was steady.',
    order: [
      'should_enable_autoscale_successfully',
      'should_evaluate_pool_autoscale_successfully',
      'should_fail_to_evaluate_invalid_autoscale_formula',
      'should_disable_autoscale_successfully',
    ],
  },
  {
    name: 'job_schedule_operations_test',
    spec: 'sdk/batch/batch-rest/test/public/jobSchedules.spec.ts',
    setup: [{ method: 'POST', uri: `https://endpoint/pools?${v19}`, body: CLOUD_SERVICE_POOL('JSSDKTest-Pool-Basic-9d92', 4) }],
    order: [
      'should_create_a_job_schedule_successfully',
      'should_list_job_schedules_successfully',
      'should_list_jobs_from_job_schedule_successfully',
      'should_check_if_a_job_schedule_exists_successfully',
      'should_get_a_job_schedule_reference_successfully',
      'should_update_a_job_schedule_successfully',
      'should_patch_a_job_schedule_successfully',
      'should_disable_a_job_schedule_successfully',
      'should_enable_a_job_schedule_successfully',
      'should_terminate_a_job_schedule_successfully',
      'should_delete_a_job_schedule_successfully',
    ],
  },
  {
    name: 'certificate_operations_test',
    spec: 'sdk/batch/batch-rest/test/public/certificates.spec.ts',
    setup: [],
    order: [
      'should_list_supported_images_successfully',
      'should_add_new_certificate_successfully',
      'should_list_certificates_successfully',
      'should_get_certificate_reference_successfully',
      'should_delete_a_certificate_successfully',
    ],
    outOfScope: Object.fromEntries(
      ['should_add_new_certificate_successfully', 'should_list_certificates_successfully', 'should_get_certificate_reference_successfully', 'should_delete_a_certificate_successfully'].map((name) => [
        name,
        'Certificates: the emulator has no certificate store to install them into nodes from (Batch itself retired the feature in February 2024).',
      ]),
    ),
  },
];
