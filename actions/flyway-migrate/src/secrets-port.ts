// The Secrets Manager adapter: GetSecretValue through the SDK (loaded only when a secret is
// named), its errors translated into ours so reach.ts never reads an AWS error name.
import { awsErrorName, clientConfig } from '@deploy-actions/aws'
import { DeployError } from '@deploy-actions/kit'

export interface SecretsPort {
  /** The secret's current string value. */
  secretString(id: string): Promise<string>
}

export async function secretsManagerPort(region: string): Promise<SecretsPort> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager')
  const client = new SecretsManagerClient(clientConfig(region))
  return {
    async secretString(id) {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: id }))
        if (out.SecretString === undefined)
          throw new DeployError(`password-secret-id: secret ${id} holds binary data, not a string`, {
            leftState: 'nothing changed (not connected)',
          })
        return out.SecretString
      } catch (error) {
        if (error instanceof DeployError) throw error
        const name = awsErrorName(error)
        const why =
          name === 'ResourceNotFoundException'
            ? `no secret ${id} in ${region}`
            : name === 'AccessDeniedException'
              ? `not allowed to read secret ${id} (secretsmanager:GetSecretValue, and kms:Decrypt for its key)`
              : name === 'DecryptionFailure'
                ? `secret ${id} cannot be decrypted with the credentials given (KMS)`
                : `secret ${id} could not be read: ${(error as Error).message}`
        throw new DeployError(`password-secret-id: ${why}`, {
          leftState: 'nothing changed (not connected)',
          cause: error,
        })
      }
    },
  }
}
