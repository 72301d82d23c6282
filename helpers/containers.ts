import pg from 'pg';

/**
 * The `containers` provider's shared infrastructure: PostgreSQL in a container (image from
 * JOURNAL_POSTGRES_IMAGE so air-gapped machines can use a locally built one), published on loopback.
 * The backend still runs as a host child process per file, like the embedded provider.
 */
export async function startContainersInfrastructure(): Promise<{ adminUrl: string; createDatabase(name: string): Promise<void>; stop(): Promise<void> }> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const image = process.env.JOURNAL_POSTGRES_IMAGE ?? 'postgres:17-alpine';
  const container = await new PostgreSqlContainer(image).withUsername('postgres').withPassword('postgres').withDatabase('postgres').start();
  const adminUrl = container.getConnectionUri().replace('localhost', '127.0.0.1');
  return {
    adminUrl,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      await container.stop();
    },
  };
}
