'use strict';
// A queue-mode app as a CommonJS user writes it (Nest 11 style, no decorators syntax): require() gets the library's
// CommonJS build, which loads bullmq and ioredis itself, lazily, once `queue` is configured. Reports over IPC.
require('reflect-metadata');
const { Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { MessengerWebhookModule, OnMessage } = require('nestjs-messenger-webhook');

const loaded = (name) => Object.keys(require.cache).some((file) => file.includes(`/node_modules/${name}/`));

class Bot {
  onMessage(event, ctx) {
    process.send({ type: 'handled', text: event.message.text, eventId: ctx.eventId });
  }
}
Injectable()(Bot);
OnMessage()(Bot.prototype, 'onMessage', Object.getOwnPropertyDescriptor(Bot.prototype, 'onMessage'));

async function main() {
  const before = { bullmq: loaded('bullmq'), ioredis: loaded('ioredis') };
  const webhook = MessengerWebhookModule.forRoot({
    verifyToken: 'cjs-verify',
    appSecret: 'cjs-secret',
    queue: { connection: process.env.REDIS_URL, name: 'cjs', role: 'both' },
  });
  class AppModule {}
  Module({ imports: [webhook], providers: [Bot] })(AppModule);
  const app = await NestFactory.create(AppModule, { rawBody: true, logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  process.on('message', (message) => {
    if (message.type === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send({
    type: 'ready',
    port: app.getHttpServer().address().port,
    library: require.resolve('nestjs-messenger-webhook'),
    before,
    after: { bullmq: loaded('bullmq'), ioredis: loaded('ioredis') },
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
