import http from 'node:http';
import https from 'node:https';

/**
 * A stand-in "API" for the startApi interception test: /readyz answers 200, /probe fetches
 * https://api-e2e0000.duosecurity.com/auth/v2/ping (which only the preloaded interception can reach).
 */
const server = http.createServer((req, res) => {
  if (req.url === '/readyz') {
    res.end('ok');
    return;
  }
  https
    .get('https://api-e2e0000.duosecurity.com/auth/v2/ping', (answer) => {
      let body = '';
      answer.setEncoding('utf8');
      answer.on('data', (chunk: string) => (body += chunk));
      answer.on('end', () => res.end(body));
    })
    .on('error', (error) => {
      res.statusCode = 502;
      res.end(error.message);
    });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
