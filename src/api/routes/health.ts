import type { FastifyPluginAsync } from 'fastify';

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/health',
    { schema: { summary: 'Liveness, and whether the Temporal server answers', tags: ['health'] } },
    async () => {
      const { config, client } = app.deps;
      let temporal = 'ok';
      try {
        await client.workflowService.getSystemInfo({});
      } catch {
        temporal = 'unreachable';
      }
      return { status: 'ok', temporal, namespace: config.namespace, taskQueue: config.taskQueue };
    },
  );
};

export default healthRoutes;
