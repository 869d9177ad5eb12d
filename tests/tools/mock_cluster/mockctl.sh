#!/usr/bin/env bash
# Sends one command to a running kgate-mock-cluster's control channel and
# prints the reply. Exit status: 0 if the reply starts with "ok", 1 for any
# other reply, 2 for usage errors or when no reply arrives within 10 s.
#
#   mockctl.sh PORT_FILE COMMAND [ARG]...      e.g. mockctl.sh ctl.port leader orders 0 2
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 PORT_FILE COMMAND [ARG]..." >&2
  exit 2
fi
port_file=$1
shift

port=$(head -n 1 -- "$port_file" 2>/dev/null || true)
if [[ ! $port =~ ^[0-9]+$ ]]; then
  echo "$0: no control port in '$port_file'" >&2
  exit 2
fi

# bash's /dev/tcp; the control channel only ever listens on 127.0.0.1.
if ! exec 3<>"/dev/tcp/127.0.0.1/$port"; then
  echo "$0: cannot connect to 127.0.0.1:$port" >&2
  exit 2
fi
printf '%s\n' "$*" >&3
reply=
if ! IFS= read -r -t 10 reply <&3; then
  echo "$0: no reply from 127.0.0.1:$port" >&2
  exit 2
fi
exec 3>&-

printf '%s\n' "$reply"
[[ $reply == ok || $reply == "ok "* ]] || exit 1
