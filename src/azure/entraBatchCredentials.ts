import type { TokenCredential } from '@azure/identity';
import type { ServiceClientCredentials, WebResourceLike } from '@azure/ms-rest-js';

const batchScope = 'https://batch.core.windows.net/.default';

/** Lets the ms-rest based `@azure/batch` client use an `@azure/identity` credential (Entra ID). */
export class EntraBatchCredentials implements ServiceClientCredentials {
  constructor(private readonly credential: TokenCredential) {}

  async signRequest(request: WebResourceLike): Promise<WebResourceLike> {
    const token = await this.credential.getToken(batchScope);
    if (!token) throw new Error('Entra ID returned no token for Azure Batch; check DefaultAzureCredential configuration.');
    request.headers.set('authorization', `Bearer ${token.token}`);
    return request;
  }
}
