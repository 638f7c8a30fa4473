#!/usr/bin/env bash
# Tests the package as a host without Swift gets it: builds it (scripts/package.sh), makes a
# plain Debian 12 root with debootstrap (kept in .build-debootstrap between runs; no Swift in
# it), installs the package there with apt (which brings its dependencies from Debian), and
# runs gavel inside with chroot: it collects the host (collect host, as the packaged service
# does) and evaluates the shipped policies.
#
# Then the root becomes a test host reached over SSH: a network namespace whose sshd (the
# root's own, Debian's openssh-server) serves the root. examples/ansible/collect.yml (with
# ansible-core from PyPI) installs the package there and fetches the snapshots, and
# `gavel collect fleet` collects it twice: sending the portable binary (gavel: copy) and
# running the installed one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "test-package.sh needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
work=$(mktemp -d)
deb=$(bash scripts/package.sh "$work" | tail -1)
root=.build-debootstrap/bookworm
if [ ! -x "$root/usr/bin/apt-get" ]; then
  rm -rf "$root"
  mkdir -p "$(dirname "$root")"
  debootstrap --variant=minbase bookworm "$root" >&2
fi
cleanup() {
  if ip netns list 2>/dev/null | grep -qw gavel-deb; then
    pids=$(ip netns pids gavel-deb || true)
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    ip netns del gavel-deb || true
  fi
  ip link del gvdeb-a 2>/dev/null || true
  umount "$root/proc" 2>/dev/null || true
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg --purge gavel >/dev/null 2>&1 || true
  rm -rf "$work" "$root/tmp/gavel.deb" "$root/var/lib/gavel"
}
trap cleanup EXIT
fail() { echo "test-package.sh: FAIL: $*" >&2; exit 1; }
# Commands in the root get a clean environment: the caller's (TMPDIR, tokens) is not theirs.
inroot() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"; }
# No Swift anywhere in the root: the binary must not need it.
if [ -e "$root/usr/lib/swift" ] || [ -e "$root/opt/swift" ] || ls "$root"/usr/lib/*/libswiftCore.so >/dev/null 2>&1; then fail "the Debian root has a Swift runtime"; fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/gavel.deb"
mount -t proc proc "$root/proc"
inroot apt-get update -qq >&2
inroot apt-get install -y -qq /tmp/gavel.deb >&2 || fail "the package does not install"
[ -x "$root/usr/bin/gavel" ] || fail "no /usr/bin/gavel"
[ -f "$root/lib/systemd/system/gavel-collect.timer" ] || fail "no systemd timer"
[ "$(stat -c %a "$root/var/lib/gavel/snapshots")" = 700 ] || fail "/var/lib/gavel/snapshots is not 0700"
inroot ldd /usr/bin/gavel | grep -q 'not found' && fail "missing libraries: $(inroot ldd /usr/bin/gavel | grep 'not found')"
# As the packaged systemd service runs it.
grep -q "ExecStart=/usr/bin/gavel collect host " "$root/lib/systemd/system/gavel-collect.service" || fail "the service does not run collect host"
inroot /usr/bin/gavel collect host --host-name chroot-host -o /var/lib/gavel/snapshots >&2 \
  || fail "gavel collect host"
[ -f "$root/var/lib/gavel/snapshots/chroot-host/hosting.json" ] || fail "no hosting snapshot for the host"
out=$(inroot /usr/bin/gavel eval --policies /usr/share/gavel/policies --snapshots /var/lib/gavel/snapshots --fail-on none) \
  || fail "gavel eval: $out"
echo "$out" | head -1 >&2
echo "$out" | head -1 | grep -q "^gavel eval: 1 asset, [0-9]* rules" || fail "unexpected eval output: $(echo "$out" | head -1)"
size=$(stat -c %s "$deb")
echo "package: $(basename "$deb"), $((size / 1024 / 1024)) MiB; installed and ran in a Debian 12 root without Swift" >&2

# --- The root as a host reached over SSH ---------------------------------------------------
# What a managed host has: sshd, Python 3 and python3-apt for Ansible's modules, sudo. The
# package's dependencies stay installed when the package is purged, so the test host (which
# has no route to a mirror) can install the package again.
for p in openssh-server python3 python3-apt sudo; do
  inroot dpkg -s "$p" >/dev/null 2>&1 || inroot apt-get install -y -qq --no-install-recommends "$p" >&2
done
inroot dpkg --purge gavel >/dev/null
rm -rf "$root/var/lib/gavel" "$root/tmp/gavel.deb"
[ -x "$root/usr/bin/gavel" ] && fail "gavel still installed after purge"
keys=$work/client
mkdir -p "$keys" "$root/root/.ssh" "$root/run/sshd"
ssh-keygen -q -t ed25519 -N '' -f "$keys/id_ed25519"
install -m 0600 "$keys/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
inroot ssh-keygen -A >/dev/null
cat > "$root/etc/ssh/sshd_config.gavel-test" <<CONF
ListenAddress 10.213.200.2
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
Subsystem sftp internal-sftp
CONF
ip netns add gavel-deb
ip link add gvdeb-a type veth peer name gvdeb-b
ip link set gvdeb-b netns gavel-deb
ip addr add 10.213.200.1/30 dev gvdeb-a && ip link set gvdeb-a up
ip netns exec gavel-deb ip addr add 10.213.200.2/30 dev gvdeb-b
ip netns exec gavel-deb ip link set gvdeb-b up
ip netns exec gavel-deb ip link set lo up
ip netns exec gavel-deb chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/sbin/sshd -f /etc/ssh/sshd_config.gavel-test
echo "10.213.200.2 $(cut -d' ' -f1,2 "$root/etc/ssh/ssh_host_ed25519_key.pub")" > "$keys/known_hosts"
cat > "$keys/ssh_config" <<CONF
Host debian-host
  HostName 10.213.200.2
  User root
  IdentityFile $keys/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $keys/known_hosts
CONF
for _ in $(seq 1 100); do ssh -F "$keys/ssh_config" -o BatchMode=yes debian-host true 2>/dev/null && break; sleep 0.1; done

# Ansible: examples/ansible/collect.yml installs the package and fetches the snapshots.
venv=.build-ansible
[ -x "$venv/bin/ansible-playbook" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q 'ansible-core==2.17.14' >&2; }
mkdir -p "$work/ansible"
printf '[gavel_hosts]\ndebian-host ansible_ssh_common_args="-F %s"\n[gavel_hosts:vars]\nansible_python_interpreter=/usr/bin/python3\n' "$keys/ssh_config" > "$work/ansible/hosts.ini"
ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_NOCOLOR=1 "$venv/bin/ansible-playbook" -i "$work/ansible/hosts.ini" examples/ansible/collect.yml \
  -e gavel_package="$deb" -e gavel_snapshots="$work/ansible/snapshots" >&2 || fail "the Ansible example"
[ -x "$root/usr/bin/gavel" ] || fail "Ansible did not install the package"
[ -f "$work/ansible/snapshots/debian-host/hosting.json" ] || fail "Ansible did not fetch debian-host/hosting.json"
# The packaged (stripped, portable) binary runs here too.
dpkg-deb -x "$deb" "$work/deb"
bin=$work/deb/usr/bin/gavel
out=$("$bin" eval --snapshots "$work/ansible/snapshots" --fail-on none) || fail "gavel eval of what Ansible fetched: $out"
echo "$out" | head -1 | grep -q "^gavel eval: 1 asset," || fail "unexpected eval output: $(echo "$out" | head -1)"

# gavel collect fleet: the portable binary sent to the host, then the installed one.
cat > "$work/fleet.yaml" <<INV
gavel: inventory/v1
ssh_config: $keys/ssh_config
hosts:
  debian-host: {}
INV
start=$(date +%s.%N)
"$bin" collect fleet --inventory "$work/fleet.yaml" --binary "$bin" -o "$work/fleet" >&2 || fail "collect fleet sending the portable binary"
copy_s=$(awk "BEGIN { print $(date +%s.%N) - $start }")
[ -f "$work/fleet/debian-host/hosting.json" ] || fail "collect fleet (copy) wrote no debian-host/hosting.json"
ls "$root/tmp" | grep -q '^gavel\.' && fail "collect fleet left its folder in the host's /tmp"
sed -i 's|debian-host: {}|debian-host: {gavel: /usr/bin/gavel}|' "$work/fleet.yaml"
start=$(date +%s.%N)
"$bin" collect fleet --inventory "$work/fleet.yaml" -o "$work/fleet" >&2 || fail "collect fleet running the installed gavel"
installed_s=$(awk "BEGIN { print $(date +%s.%N) - $start }")
"$bin" eval --snapshots "$work/fleet" --fail-on none >/dev/null || fail "gavel eval of the fleet snapshots"
printf 'collect fleet of the Debian 12 host: %.1f s sending the %d MiB binary, %.1f s with the installed one\n' "$copy_s" \
  "$(( $(stat -c %s "$bin") / 1024 / 1024 ))" "$installed_s" >&2
echo "package test: 3 passed, 0 failed"
