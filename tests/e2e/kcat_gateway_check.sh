# shellcheck shell=bash
# check_kcat_brokers OUT SUMMARY [KCAT_ARGS...]: `kcat -L` through kgate must list exactly
# $kcat_brokers brokers, each at 127.0.0.1 on a gateway port ($kcat_first-$kcat_last), and no
# string of $kcat_hidden (what the brokers advertise or listen on) anywhere in its output.
# The sourcing script sets kcat_gateway (the bootstrap HOST:PORT), kcat_first, kcat_last,
# kcat_brokers and the array kcat_hidden. Writes one OK or FAILED line to SUMMARY.
check_kcat_brokers() {
  local out=$1 summary=$2 listed=() bad=() h port
  shift 2
  if ! timeout 30 kcat -L -b "$kcat_gateway" -m 15 "$@" >"$out" 2>"$out.err"; then
    echo "kcat -L: FAILED: $(tail -n 1 "$out.err")" >"$summary"
    return 1
  fi
  # KoP's node ids are hashes: negative ones are possible.
  while read -r _ id _ address _; do
    listed+=("$id=$address")
    port=${address##*:}
    if [[ ${address%:*} != 127.0.0.1 || $port -lt $kcat_first || $port -gt $kcat_last ]]; then bad+=("$address"); fi
  done < <(grep -E '^ +broker -?[0-9]+ at ' "$out")
  for h in "${kcat_hidden[@]}"; do grep -qF -- "$h" "$out" && bad+=("broker's own $h"); done
  if [[ ${#listed[@]} -ne $kcat_brokers || ${#bad[@]} -ne 0 ]]; then
    echo "kcat -L: FAILED lists ${#listed[@]} brokers (${listed[*]}), not gateway addresses: ${bad[*]:-none}" >"$summary"
    return 1
  fi
  echo "kcat -L${*:+ $*}: OK $kcat_brokers brokers, all gateway addresses: ${listed[*]}" >"$summary"
}
