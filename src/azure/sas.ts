import {
  BlobSASPermissions,
  type BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  type StorageSharedKeyCredential,
  type UserDelegationKey,
} from '@azure/storage-blob';

/**
 * SAS URLs handed to Batch tasks. They are secrets: built inside activities and
 * sent straight to Batch, never returned to a workflow.
 */
export class SasSigner {
  private delegationKey?: { key: UserDelegationKey; expiresOn: Date };

  constructor(
    private readonly blobs: BlobServiceClient,
    private readonly sharedKey: StorageSharedKeyCredential | undefined,
  ) {}

  async blobReadUrl(container: string, blob: string, validForMs: number): Promise<string> {
    const expiresOn = new Date(Date.now() + validForMs);
    const query = await this.sign({ containerName: container, blobName: blob, permissions: BlobSASPermissions.parse('r'), expiresOn });
    return `${this.blobs.getContainerClient(container).getBlobClient(blob).url}?${query}`;
  }

  async containerWriteUrl(container: string, validForMs: number): Promise<string> {
    const expiresOn = new Date(Date.now() + validForMs);
    const query = await this.sign({ containerName: container, permissions: ContainerSASPermissions.parse('acw'), expiresOn });
    return `${this.blobs.getContainerClient(container).url}?${query}`;
  }

  private async sign(values: Parameters<typeof generateBlobSASQueryParameters>[0]): Promise<string> {
    const startsOn = new Date(Date.now() - 5 * 60_000);
    if (this.sharedKey) {
      return generateBlobSASQueryParameters({ ...values, startsOn }, this.sharedKey).toString();
    }
    const key = await this.userDelegationKey(values.expiresOn!);
    return generateBlobSASQueryParameters({ ...values, startsOn }, key, this.blobs.accountName).toString();
  }

  private async userDelegationKey(until: Date): Promise<UserDelegationKey> {
    if (!this.delegationKey || this.delegationKey.expiresOn < until) {
      const expiresOn = new Date(Math.max(until.getTime(), Date.now() + 24 * 3600_000));
      const key = await this.blobs.getUserDelegationKey(new Date(Date.now() - 5 * 60_000), expiresOn);
      this.delegationKey = { key, expiresOn };
    }
    return this.delegationKey.key;
  }
}
