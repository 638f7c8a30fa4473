#!/usr/bin/env bash
# Test hosts for `gavel collect fleet`: each a network namespace (ip netns, a veth pair) with
# its own sshd (Debian's openssh-server), PHP-FPM and nginx, and its own view of the files
# (a private mount namespace in which the host's folders are bind-mounted over /etc/nginx,
# /etc/php, /etc/ssh, /etc/wordpress, /var/www, /srv, /run/php and /run/nginx).
#
#   testhosts.sh prepare WORK N   make WORK/hosts/gvhI/fs (a copy of this machine's nginx and
#                                 PHP configuration, an sshd configuration and host key) and
#                                 WORK/client (a key, known_hosts, ssh_config: Host gvhI)
#   testhosts.sh start WORK       start every prepared host (the caller may change the files
#                                 under WORK/hosts/*/fs in between)
#   testhosts.sh stop WORK        stop them and remove the namespaces
#
# Host I is 10.213.I.2, reached from this machine's side of the pair, 10.213.I.1. Needs root,
# iproute2 and util-linux. Traffic stays on the veth pairs.
set -euo pipefail
cmd=${1:?prepare|start|stop}; work=${2:?work folder}
work=$(cd "$work" 2>/dev/null && pwd || echo "$work")
mounted=(etc/nginx etc/php etc/ssh etc/wordpress var/www srv run/php run/nginx)
fpm=$(ls /usr/sbin/php-fpm* | head -1)
phpv=$(basename "$fpm" | sed 's/php-fpm//')

prepare() {
  local n=${1:?number of hosts}
  mkdir -p "$work/client"
  [ -f "$work/client/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C gavel-test-client -f "$work/client/id_ed25519"
  : > "$work/client/known_hosts"
  : > "$work/client/ssh_config"
  for i in $(seq 1 "$n"); do
    local h="gvh$i" fs="$work/hosts/gvh$i/fs"
    mkdir -p "$fs"/{etc/ssh,etc/wordpress,var/www,srv,run/php,run/nginx}
    cp -a /etc/nginx "$fs/etc/" && rm -f "$fs/etc/nginx/sites-enabled/"*
    sed -i 's|^pid .*|pid /run/nginx/nginx.pid;|' "$fs/etc/nginx/nginx.conf"
    cp -a /etc/php "$fs/etc/"
    rm -f "$fs/etc/php/$phpv/fpm/pool.d/"*
    printf '[global]\npid = /run/php/php-fpm.pid\nerror_log = /run/php/php-fpm.log\ninclude = /etc/php/%s/fpm/pool.d/*.conf\n' "$phpv" > "$fs/etc/php/$phpv/fpm/php-fpm.conf"
    ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$fs/etc/ssh/ssh_host_ed25519_key"
    cat > "$fs/etc/ssh/sshd_config" <<CONF
ListenAddress 10.213.$i.2
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile $work/hosts/$h/sshd.pid
PermitRootLogin prohibit-password
AuthorizedKeysFile $work/client/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
X11Forwarding no
MaxStartups 100
Subsystem sftp internal-sftp
CONF
    echo "10.213.$i.2 $(cut -d' ' -f1,2 "$fs/etc/ssh/ssh_host_ed25519_key.pub")" >> "$work/client/known_hosts"
    printf 'Host %s\n  HostName 10.213.%s.2\n' "$h" "$i" >> "$work/client/ssh_config"
  done
  cp "$work/client/id_ed25519.pub" "$work/client/authorized_keys"
  printf 'Host gvh*\n  User root\n  IdentityFile %s/client/id_ed25519\n  IdentitiesOnly yes\n  UserKnownHostsFile %s/client/known_hosts\n' "$work" "$work" >> "$work/client/ssh_config"
}

# Removes one host's namespace and its processes (also one a crashed run left behind).
remove() {
  local h=$1
  if ip netns list | grep -qw "gavel-$h"; then
    local pids; pids=$(ip netns pids "gavel-$h" || true)
    if [ -n "$pids" ]; then kill -CONT $pids 2>/dev/null || true; kill -KILL $pids 2>/dev/null || true; fi
    ip netns del "gavel-$h" || true
  fi
  ip link del "$h-a" 2>/dev/null || true
}

start() {
  for dir in "$work"/hosts/gvh*; do
    local h i; h=$(basename "$dir"); i=${h#gvh}
    remove "$h"
    ip netns add "gavel-$h"
    ip link add "$h-a" type veth peer name "$h-b"
    ip link set "$h-b" netns "gavel-$h"
    ip addr add "10.213.$i.1/30" dev "$h-a"
    ip link set "$h-a" up
    ip netns exec "gavel-$h" ip addr add "10.213.$i.2/30" dev "$h-b"
    ip netns exec "gavel-$h" ip link set "$h-b" up
    ip netns exec "gavel-$h" ip link set lo up
    local binds=""
    for m in "${mounted[@]}"; do
      mkdir -p "/$m" "$dir/fs/$m"
      binds+="mount --bind '$dir/fs/$m' '/$m'; "
    done
    # In the host's own mount namespace: its folders over the machine's, then its services.
    ip netns exec "gavel-$h" unshare --mount --propagation private sh -c "
      $binds
      if ls /etc/php/$phpv/fpm/pool.d/*.conf >/dev/null 2>&1; then $fpm --fpm-config /etc/php/$phpv/fpm/php-fpm.conf; fi
      if ls /etc/nginx/sites-enabled/* >/dev/null 2>&1; then /usr/sbin/nginx; fi
      exec /usr/sbin/sshd -f /etc/ssh/sshd_config -E '$dir/sshd.log'
    " > "$dir/start.log" 2>&1
  done
  # Wait until every sshd answers.
  for dir in "$work"/hosts/gvh*; do
    local h i; h=$(basename "$dir"); i=${h#gvh}
    for _ in $(seq 1 100); do
      if ip netns exec "gavel-$h" bash -c "exec 3<>/dev/tcp/10.213.$i.2/22" 2>/dev/null; then break; fi
      sleep 0.05
    done
  done
}

stop() {
  for dir in "$work"/hosts/gvh*; do remove "$(basename "$dir")"; done
}

case "$cmd" in
  prepare) prepare "${3:?number of hosts}" ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 prepare WORK N | start WORK | stop WORK" >&2; exit 2 ;;
esac
