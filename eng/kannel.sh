#!/usr/bin/env bash
# A private Kannel (Debian's bearerbox + smsbox) for the sender-adapter tests, on loopback ports from BASE, with
# two fake SMSCs: "mt", where Kannel delivers (a fakesmsc connected to it logs every message it receives), and
# "mo", where tests inject replies from handsets. One sendsms user, USER/PASSWORD, sends through "mt"; replies go to
# FRONT_URL/mo (the Kannel front's get-url).
#
#   eng/kannel.sh install
#   eng/kannel.sh start DIR BASE USER PASSWORD FRONT_URL   admin BASE, smsbox BASE+1, sendsms BASE+3,
#                                                          fake SMSCs BASE+10 (mt) and BASE+11 (mo); log DIR/delivered.log
#   eng/kannel.sh mo DIR FROM TO TEXT                      a reply from the handset FROM to the number TO
#   eng/kannel.sh stop DIR
. "$(dirname "$0")/lib.sh"

FAKESMSC=/usr/lib/kannel/test/fakesmsc

start() {
  local dir base=$2 user=$3 password=$4 front=$5
  dir=$(cd "$1" && pwd)
  mkdir -p "$dir/spool"
  echo "$base" > "$dir/base"
  cat > "$dir/kannel.conf" <<CONF
group = core
admin-port = $base
admin-password = sendgate-test
admin-interface = 127.0.0.1
smsbox-port = $((base + 1))
box-allow-ip = 127.0.0.1
log-file = "$dir/bearerbox.log"
log-level = 1
store-type = spool
store-location = "$dir/spool"

# Where Kannel delivers: the fakesmsc started below receives (and logs) every message.
group = smsc
smsc = fake
smsc-id = mt
port = $((base + 10))
connect-allow-ip = 127.0.0.1

# Where handsets' replies come from: eng/kannel.sh mo injects one.
group = smsc
smsc = fake
smsc-id = mo
port = $((base + 11))
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $((base + 1))
sendsms-port = $((base + 3))
sendsms-interface = 127.0.0.1
log-file = "$dir/smsbox.log"
log-level = 1

group = sendsms-user
username = $user
password = $password
forced-smsc = mt

# Replies go to the Kannel front, which records "RET" as a refusal; its answer (the confirmation) is sent back.
group = sms-service
keyword = default
get-url = "$front/mo?from=%p&to=%P&text=%a"
omit-empty = true
accepted-smsc = mo
CONF
  (exec /usr/sbin/bearerbox -v 1 "$dir/kannel.conf") > "$dir/bearerbox.out" 2>&1 &
  echo $! > "$dir/bearerbox.pid"
  wait_for 30 "bearerbox on port $((base + 1))" port_open $((base + 1))
  (exec /usr/sbin/smsbox -v 1 "$dir/kannel.conf") > "$dir/smsbox.out" 2>&1 &
  echo $! > "$dir/smsbox.pid"
  wait_for 30 "smsbox on port $((base + 3))" port_open $((base + 3))
  # Interactive mode (-m 0) sends nothing; stdin is held open by a sleeper so that it stays connected.
  (sleep infinity | exec "$FAKESMSC" -H 127.0.0.1 -r $((base + 10)) -m 0) > "$dir/delivered.log" 2>&1 &
  echo $! > "$dir/fakesmsc.pid"
  wait_for 30 "the mt fakesmsc to connect" grep -q "Connecting to" "$dir/delivered.log"
}

# One reply: a fakesmsc on the mo SMSC sends it, and is stopped once bearerbox has taken it.
mo() {
  local dir=$1 from=$2 to=$3 text=$4 base log
  base=$(cat "$dir/base")
  log=$(mktemp "$dir/mo-XXXX.log")
  (exec "$FAKESMSC" -H 127.0.0.1 -r $((base + 11)) -m 1 "$from $to text $text") > "$log" 2>&1 &
  local pid=$!
  wait_for 20 "the reply to be sent" grep -q "sent message 1" "$log" || { kill "$pid" 2>/dev/null; return 1; }
  sleep 0.2
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop() {
  local dir
  dir=$(cd "$1" && pwd)
  pkill -P "$(cat "$dir/fakesmsc.pid" 2>/dev/null || echo 1)" sleep 2>/dev/null || true
  stop_pidfile "$dir/fakesmsc.pid"
  stop_pidfile "$dir/smsbox.pid"
  stop_pidfile "$dir/bearerbox.pid"
}

case "${1:-}" in
  install) apt_install kannel kannel-extras ;;
  start) shift; start "$@" ;;
  mo) shift; mo "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 install | start DIR BASE USER PASSWORD FRONT_URL | mo DIR FROM TO TEXT | stop DIR" >&2; exit 2 ;;
esac
