// HTTP load from its own process (so the generator does not share the server's event loop),
// for bench/graphql.ts. Receives { url, connections, duration, requests: [{ body, headers }] },
// rotates through the requests, counts GraphQL errors, and replies with the summary.
const autocannon = require('autocannon');

process.once('message', (job) => {
  let next = 0;
  let graphqlErrors = 0;
  const instance = autocannon(
    {
      url: job.url,
      connections: job.connections,
      duration: job.duration,
      method: 'POST',
      requests: [
        {
          method: 'POST',
          setupRequest(request) {
            const r = job.requests[next++ % job.requests.length];
            return {
              ...request,
              body: r.body,
              headers: { ...request.headers, 'content-type': 'application/json', ...r.headers },
            };
          },
          onResponse(status, body) {
            if (status === 200 && body.includes('"errors"')) graphqlErrors++;
          },
        },
      ],
    },
    (error, result) => {
      if (error) {
        process.send({ error: String(error) });
        return;
      }
      process.send({
        rps: result.requests.average,
        total: result.requests.total,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        graphqlErrors,
      });
    },
  );
  autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false });
});
