#!/usr/bin/env bash
# A private Postfix (Debian's) for the sender-adapter tests, in a directory of the caller's, on loopback ports,
# relaying everything to a local sink (Postfix's smtp-sink, which writes each delivered message to a file), and
# asking a policy service at RCPT. Not the machine's default instance, which it leaves alone.
#
#   eng/postfix.sh install                                      Debian's postfix and swaks
#   eng/postfix.sh start DIR SMTP_PORT POLICY_PORT SINK_PORT    Postfix on 127.0.0.1:SMTP_PORT (policy_context "acme"
#                                                               on it), the sink on SINK_PORT writing DIR/sink/*
#   eng/postfix.sh stop DIR
. "$(dirname "$0")/lib.sh"

install() {
  # "No configuration": the package installs without asking and without starting a default instance.
  if ! dpkg-query -W -f='${Status}' postfix 2>/dev/null | grep -q "install ok installed"; then
    echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
  fi
  apt_install postfix swaks
}

# Postfix runs a non-default configuration directory only when the default main.cf lists it; entries whose
# directory is gone (earlier runs) are dropped on the way.
register() {
  local conf=$1 listed kept=()
  as_root touch /etc/postfix/main.cf
  listed=$(postconf -h -c /etc/postfix alternate_config_directories 2>/dev/null | tr ',' ' ')
  for entry in $listed; do [ -d "$entry" ] && [ "$entry" != "$conf" ] && kept+=("$entry"); done
  kept+=("$conf")
  as_root postconf -c /etc/postfix -e "alternate_config_directories = ${kept[*]}"
}

start() {
  local dir smtp=$2 policy=$3 sink=$4
  dir=$(cd "$1" && pwd)
  mkdir -p "$dir/conf" "$dir/queue" "$dir/data" "$dir/sink"
  chmod 755 "$dir"
  cat > "$dir/conf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-sendgate-test
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = mta.sendgate.test
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$sink
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtpd_relay_restrictions = permit_mynetworks, reject
# The gate decides at RCPT; if the policy service itself cannot be reached, Postfix defers (never accepts unasked).
smtpd_recipient_restrictions = check_policy_service { inet:127.0.0.1:$policy, timeout=10s, default_action=DEFER_IF_PERMIT }, permit
CONF
  cat > "$dir/conf/master.cf" <<CONF
# The submission listener of sender "acme": its policy_context names the sender to the policy service.
127.0.0.1:$smtp inet n - n - - smtpd -o smtpd_policy_service_policy_context=acme
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
CONF
  as_root chown postfix "$dir/data" "$dir/sink"
  register "$dir/conf"
  (exec smtp-sink -u postfix -d "$dir/sink/%M." "127.0.0.1:$sink" 16) > "$dir/sink.log" 2>&1 &
  echo $! > "$dir/sink.pid"
  # postfix reports start-up problems only to syslog or a terminal: through script(1) they reach our log.
  if ! script -qec "postfix -c '$dir/conf' start" /dev/null > "$dir/start.log" 2>&1; then
    cat "$dir/start.log" >&2; tail -n 20 "$dir/maillog" >&2 2>/dev/null || true; return 1
  fi
  wait_for 30 "Postfix on port $smtp" port_open "$smtp"
  wait_for 10 "the sink on port $sink" port_open "$sink"
}

stop() {
  local dir
  dir=$(cd "$1" && pwd)
  [ -f "$dir/conf/main.cf" ] && postfix -c "$dir/conf" stop >/dev/null 2>&1 || true
  stop_pidfile "$dir/sink.pid"
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 install | start DIR SMTP_PORT POLICY_PORT SINK_PORT | stop DIR" >&2; exit 2 ;;
esac
