import { ErrorFactory } from '../errors/errorFactory';
import type { JsonObject } from '../model/types';

const SUBNET_ID = /^\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;
const IMAGE_ID =
  /^\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/(images\/[^/]+|galleries\/[^/]+\/images\/[^/]+(?:\/versions\/[^/]+)?)$/i;

/**
 * Where a pool's nodes would live, checked as Batch checks it before anything is allocated: its
 * subnet must be an ARM subnet id in the account's own subscription, and a custom image
 * (`virtualMachineImageId`) a managed image in that subscription or an Azure Compute Gallery
 * image. Batch names the property in `InvalidPropertyValue` by its own name, not its path.
 */
export function checkPoolPlacement(spec: JsonObject, subscriptionId: string): void {
  const subnetId = (spec.networkConfiguration as { subnetId?: unknown } | undefined)?.subnetId;
  if (typeof subnetId === 'string') {
    const [, subscription] = armId('subnetId', subnetId, SUBNET_ID, '/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}');
    if (subscription.toLowerCase() !== subscriptionId.toLowerCase()) {
      throw ErrorFactory.invalidPropertyValue('subnetId', subnetId, `The virtual network must be in the Batch account's subscription (${subscriptionId}).`);
    }
  }
  const imageId = (spec.virtualMachineConfiguration as { imageReference?: { virtualMachineImageId?: unknown } } | undefined)?.imageReference?.virtualMachineImageId;
  if (typeof imageId === 'string') {
    const form = 'a managed image (/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Compute/images/{image}) or an Azure Compute Gallery image (…/galleries/{gallery}/images/{definition}[/versions/{version}])';
    const [, subscription, resource] = armId('virtualMachineImageId', imageId, IMAGE_ID, form);
    if (resource.toLowerCase().startsWith('images/') && subscription.toLowerCase() !== subscriptionId.toLowerCase()) {
      throw ErrorFactory.invalidPropertyValue('virtualMachineImageId', imageId, `A managed image must be in the Batch account's subscription (${subscriptionId}).`);
    }
  }
}

function armId(property: string, value: string, pattern: RegExp, form: string): RegExpExecArray {
  const match = pattern.exec(value);
  if (!match) throw ErrorFactory.invalidPropertyValue(property, value, `The ${property} must have the form ${form}.`);
  return match;
}
