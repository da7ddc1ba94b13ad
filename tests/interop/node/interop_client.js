#!/usr/bin/env node
// Interop scenarios run by Node @grpc/grpc-js (a client nobody here wrote) against SendGate's transport.
//
// Usage: node interop_client.js --target 127.0.0.1:PORT --proto-root DIR [--proto-root DIR ...]
// Prints "PASS <name>" or "FAIL <name>: <why>" per scenario; exits non-zero when any failed.
// Needs `npm ci` in this folder (eng/install-interop.sh does it).
'use strict';

const assert = require('node:assert/strict');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const descriptor = require('protobufjs/ext/descriptor');

const ECHO = 'sendgate.interop.v1.Echo';

function parseArgs(argv) {
  const args = { roots: [] };
  for (let i = 2; i < argv.length; i += 2) {
    if (argv[i] === '--target') args.target = argv[i + 1];
    else if (argv[i] === '--proto-root') args.roots.push(argv[i + 1]);
    else throw new Error('unknown argument ' + argv[i]);
  }
  if (!args.target || args.roots.length === 0) throw new Error('usage: --target HOST:PORT --proto-root DIR');
  return args;
}

const args = parseArgs(process.argv);
const definition = protoLoader.loadSync(
  ['sendgate/interop/v1/echo.proto', 'grpc/health/v1/health.proto', 'grpc/reflection/v1alpha/reflection.proto', 'grpc/reflection/v1/reflection.proto'],
  { includeDirs: args.roots, keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
const pkg = grpc.loadPackageDefinition(definition);
const Echo = pkg.sendgate.interop.v1.Echo;
const client = new Echo(args.target, grpc.credentials.createInsecure());

const unary = (method, request, metadata = new grpc.Metadata(), options = {}, on = client) =>
  new Promise((resolve, reject) => {
    let trailers;
    const call = on[method](request, metadata, options, (error, reply) => (error ? reject(error) : resolve({ reply, trailers: () => trailers })));
    call.on('status', (status) => { trailers = status.metadata; });
  });

async function expectCode(promise, code) {
  try {
    await promise;
  } catch (error) {
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.details}`);
    return error;
  }
  throw new Error(`expected status ${code}, the call succeeded`);
}

const collect = (call) => new Promise((resolve, reject) => {
  const replies = [];
  call.on('data', (reply) => replies.push(reply));
  call.on('end', () => resolve(replies));
  call.on('error', reject);
});

// grpcurl and Postman ask v1alpha; newer tools ask v1: both must list the services and describe Echo.
async function reflect(ServerReflection, self) {
  const reflection = new ServerReflection(args.target, grpc.credentials.createInsecure());
  try {
    const call = reflection.ServerReflectionInfo();
    const replies = collect(call);
    call.write({ list_services: '' });
    call.write({ file_containing_symbol: ECHO });
    call.end();
    const [listed, files] = await replies;
    const names = listed.list_services_response.service.map((s) => s.name);
    for (const expected of [ECHO, 'grpc.health.v1.Health', self]) assert.ok(names.includes(expected), names.join(','));
    const file = descriptor.FileDescriptorProto.decode(files.file_descriptor_response.file_descriptor_proto[0]);
    assert.equal(file.name, 'sendgate/interop/v1/echo.proto');
    assert.deepEqual(file.service[0].method.map((m) => m.name), ['Unary', 'ServerStream', 'ClientStream', 'Bidi', 'Stats']);
  } finally {
    reflection.close();
  }
}

const scenarios = {
  async unary() {
    const metadata = new grpc.Metadata();
    metadata.add('x-echo', 'merhaba');
    metadata.add('x-echo-bin', Buffer.from([0x00, 0xab, 0xff]));
    const { reply, trailers } = await unary('Unary', { text: 'hello', reply_bytes: 7 }, metadata);
    assert.equal(reply.text, 'hello');
    assert.equal(reply.payload.length, 7);
    assert.equal(reply.metadata_echo, 'merhaba');
    assert.equal(reply.binary_metadata_hex, '00abff');
    assert.deepEqual(trailers().get('x-echo-trailer'), ['merhaba']);
  },

  async error_with_non_ascii_message() {
    const message = 'Türkçe karakterler: ğüşıöç İ %41';
    const error = await expectCode(unary('Unary', { fail_code: 3, fail_message: message }), grpc.status.INVALID_ARGUMENT);
    assert.equal(error.details, message);
  },

  async server_stream() {
    const replies = await collect(client.ServerStream({ text: 's', repeat: 5 }));
    assert.deepEqual(replies.map((r) => r.index), [0, 1, 2, 3, 4]);
  },

  async client_stream() {
    const reply = await new Promise((resolve, reject) => {
      const call = client.ClientStream((error, r) => (error ? reject(error) : resolve(r)));
      for (let i = 0; i < 10; i++) call.write({ text: String(i) });
      call.end();
    });
    assert.equal(reply.index, 10);
    assert.equal(reply.text, '0,1,2,3,4,5,6,7,8,9');
  },

  async bidi_ping_pong() {
    const call = client.Bidi();
    const iterator = call[Symbol.asyncIterator]();
    for (let i = 0; i < 20; i++) {
      call.write({ text: `ping${i}` });
      const { value, done } = await iterator.next();
      assert.equal(done, false);
      assert.equal(value.text, `ping${i}`);
      assert.equal(value.index, i);
    }
    call.end();
    assert.equal((await iterator.next()).done, true);
  },

  async bidi_send_all() {
    const call = client.Bidi();
    const replies = collect(call);
    for (let i = 0; i < 500; i++) call.write({ text: 'm' });
    call.end();
    assert.deepEqual((await replies).map((r) => r.index), [...Array(500).keys()]);
  },

  async deadline_exceeded() {
    await expectCode(unary('Unary', { delay_ms: 10000 }, new grpc.Metadata(), { deadline: Date.now() + 200 }), grpc.status.DEADLINE_EXCEEDED);
  },

  async unknown_method() {
    const serialize = Echo.service.Unary.requestSerialize;
    const call = (path) => new Promise((resolve, reject) =>
      client.makeUnaryRequest(path, serialize, (b) => b, { text: 'x' }, (error, reply) => (error ? reject(error) : resolve(reply))));
    await expectCode(call(`/${ECHO}/Nope`), grpc.status.UNIMPLEMENTED);
    await expectCode(call('/nope.v1.Missing/Call'), grpc.status.UNIMPLEMENTED);
  },

  async oversize_request() {
    const error = await expectCode(unary('Unary', { text: 'x'.repeat(4 * 1024 * 1024 + 1) }), grpc.status.RESOURCE_EXHAUSTED);
    assert.match(error.details, /exceeds/);
  },

  async oversize_response() {
    await expectCode(unary('Unary', { reply_bytes: 4 * 1024 * 1024 + 1 }), grpc.status.RESOURCE_EXHAUSTED);
  },

  async compressed_request() {
    const gzip = new Echo(args.target, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
    try {
      const { reply } = await unary('Unary', { text: 'compress me '.repeat(100) }, new grpc.Metadata(), {}, gzip);
      assert.equal(reply.text, 'compress me '.repeat(100));
    } finally {
      gzip.close();
    }
  },

  async cancel_mid_stream() {
    const before = (await unary('Stats', {})).reply.calls_cancelled;
    const call = client.Bidi();
    const ended = new Promise((resolve) => call.on('error', resolve));
    const iterator = call[Symbol.asyncIterator]();
    call.write({ text: '1' });
    assert.equal((await iterator.next()).value.text, '1');
    // The server is busy with this one when the cancel arrives: the cancel must reach the handler.
    // (grpc-js half-closes before it resets, so an idle handler would just see the stream end.)
    call.write({ text: '2', delay_ms: 30000 });
    await new Promise((r) => setTimeout(r, 200));
    call.cancel();
    assert.equal((await ended).code, grpc.status.CANCELLED);
    const until = Date.now() + 10000;
    while (Date.now() < until) {
      if ((await unary('Stats', {})).reply.calls_cancelled > before) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    const stats = (await unary('Stats', {})).reply;
    throw new Error(`the server never saw the cancellation (started ${stats.calls_started}, active ${stats.active_calls}, cancelled ${stats.calls_cancelled})`);
  },

  async concurrent_300() {
    const replies = await Promise.all([...Array(300).keys()].map((i) => unary('Unary', { text: `c${i}`, delay_ms: 50 })));
    assert.deepEqual(replies.map((r) => r.reply.text), [...Array(300).keys()].map((i) => `c${i}`));
  },

  async health() {
    const health = new pkg.grpc.health.v1.Health(args.target, grpc.credentials.createInsecure());
    try {
      assert.equal((await unary('Check', {}, new grpc.Metadata(), {}, health)).reply.status, 'SERVING');
      assert.equal((await unary('Check', { service: ECHO }, new grpc.Metadata(), {}, health)).reply.status, 'SERVING');
      await expectCode(unary('Check', { service: 'no.such.Service' }, new grpc.Metadata(), {}, health), grpc.status.NOT_FOUND);
      const watch = health.Watch({ service: ECHO });
      const first = await watch[Symbol.asyncIterator]().next();
      assert.equal(first.value.status, 'SERVING');
      watch.on('error', () => {});
      watch.cancel();
    } finally {
      health.close();
    }
  },

  async reflection() {
    await reflect(pkg.grpc.reflection.v1alpha.ServerReflection, 'grpc.reflection.v1alpha.ServerReflection');
  },

  async reflection_v1() {
    await reflect(pkg.grpc.reflection.v1.ServerReflection, 'grpc.reflection.v1.ServerReflection');
  },
};

(async () => {
  let failed = 0;
  for (const [name, run] of Object.entries(scenarios)) {
    try {
      await run();
      process.stdout.write(`PASS ${name}\n`);
    } catch (error) {
      failed++;
      process.stdout.write(`FAIL ${name}: ${error.message}\n`);
      process.stderr.write(`${error.stack}\n`);
    }
  }
  client.close();
  process.exit(failed ? 1 : 0);
})();
