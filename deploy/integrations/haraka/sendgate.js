// SendGate consent check for Haraka (https://haraka.github.io): at RCPT, asks the gate (Gate.Check over gRPC,
// @grpc/grpc-js) whether the recipient may receive a commercial e-mail from the sender's brand.
// Allowed → CONT (the other rcpt plugins go on deciding), denied → DENY 5.7.1 with the reason in words,
// the gate not answering → DENYSOFT (the client retries later): a message is never accepted unasked.
//
// Install: copy to <haraka>/plugins/sendgate.js, `npm install @grpc/grpc-js @grpc/proto-loader` in <haraka>,
// add "sendgate" to config/plugins before your rcpt_to plugins, and write config/sendgate.ini:
//
//   [gate]
//   address=127.0.0.1:50051
//   proto_root=/opt/sendgate/proto     ; the repository's proto/ directory
//   timeout_ms=2000
//   ; tls=true                         ; https to the gate (default: h2c)
//   ; api_key=sgk_...                  ; or SENDGATE_API_KEY in Haraka's environment
//   [sender]                           ; who the mail is sent for (per authenticated user: [sender.USERNAME])
//   iys_code=123456
//   brand_code=123457
'use strict';

const path = require('node:path');

const words = {
  16: 'no IYS consent on record for commercial messages from this brand',
  17: 'the recipient refused commercial messages from this brand (IYS RET)',
  18: "the recipient's line or address was closed after the consent was given",
  19: 'not a valid recipient address for this channel',
  20: "the consent gate's data is out of date; try again later",
  21: 'the consent may not be used on behalf of this retailer',
};
const STALE = 20;

exports.register = function () {
  this.load_sendgate_ini();
  const grpc = require('@grpc/grpc-js');
  const protoLoader = require('@grpc/proto-loader');
  const root = this.cfg.gate.proto_root;
  const definition = protoLoader.loadSync(path.join(root, 'sendgate/v1/gate.proto'), { includeDirs: [root], keepCase: true, enums: Number, longs: Number });
  const { Gate } = grpc.loadPackageDefinition(definition).sendgate.v1;
  // The key travels as call metadata (authorization: Bearer), over TLS when tls=true, else h2c (loopback, sidecar).
  const key = this.cfg.gate.api_key || process.env.SENDGATE_API_KEY;
  const credentials = this.cfg.gate.tls === 'true' ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  this.gate = new Gate(this.cfg.gate.address || '127.0.0.1:50051', credentials);
  this.metadata = new grpc.Metadata();
  if (key) this.metadata.add('authorization', 'Bearer ' + key);
  this.register_hook('rcpt', 'check_consent');
};

exports.load_sendgate_ini = function () {
  this.cfg = this.config.get('sendgate.ini', () => this.load_sendgate_ini());
  this.cfg.gate = this.cfg.gate || {};
};

exports.check_consent = function (next, connection, params) {
  const user = connection.notes.auth_user;
  const sender = (user && this.cfg['sender.' + user]) || this.cfg.sender;
  if (!sender || !sender.brand_code) return next(); // not a sender this MTA checks
  const request = {
    request_id: 'haraka-' + connection.uuid,
    iys_code: Number(sender.iys_code || 0),
    brand_code: Number(sender.brand_code),
    channel: 3, // CHANNEL_EPOSTA
    kind: 1,    // MESSAGE_KIND_COMMERCIAL
    recipients: [`${params[0].user}@${params[0].host}`],
  };
  // The deadline is a timer that cancels the call, not grpc-js's deadline option: Haraka runs plugins in a vm
  // context, and grpc-js does not take an options object made in another realm.
  let answered = false;
  const done = (code, message) => { if (!answered) { answered = true; clearTimeout(timer); next(code, message); } };
  let call;
  const timer = setTimeout(() => call && call.cancel(), Number(this.cfg.gate.timeout_ms || 2000));
  try {
    call = this.gate.Check(request, this.metadata, (error, reply) => {
      if (error) {
        connection.logwarn(this, `consent gate did not answer: ${error.code} ${error.details}`);
        return done(DENYSOFT, 'Consent check unavailable; try again later');
      }
      const reason = reply.reasons[0];
      if (reason >= 1 && reason <= 15) return done();
      if (reason === STALE) return done(DENYSOFT, 'Consent check unavailable: ' + words[STALE]);
      connection.loginfo(this, `consent denied: reason ${reason}`);
      return done(DENY, 'Commercial e-mail refused: ' + (words[reason] || 'no decision'));
    });
  } catch (error) {
    // A plugin that throws lets Haraka go on to the next rcpt plugin, which may accept: defer instead.
    connection.logerror(this, `consent check failed: ${error.message}`);
    done(DENYSOFT, 'Consent check unavailable; try again later');
  }
};
