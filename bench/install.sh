#!/bin/sh
# install.sh: install what make bench-peers needs and lacks, from Debian:
# wrk, h2load (nghttp2-client), nginx (nginx-light where there is one),
# Caddy and taskset (util-linux).
# apt-get needs root: run as root, or with sudo at hand. Installing
# starts no service: a policy-rc.d that refuses is in place meanwhile.
set -eu
PATH=$PATH:/usr/sbin:/sbin

missing=
command -v wrk >/dev/null || missing="$missing wrk"
command -v h2load >/dev/null || missing="$missing nghttp2-client"
command -v caddy >/dev/null || missing="$missing caddy"
command -v taskset >/dev/null || missing="$missing util-linux"
if ! command -v nginx >/dev/null; then
	if apt-cache show nginx-light >/dev/null 2>&1; then missing="$missing nginx-light"; else missing="$missing nginx"; fi
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null; then
	sudo=sudo
else
	echo "bench-peers: needs$missing; installing takes root (or sudo)" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null; then
	echo "bench-peers: needs$missing; install them (there is no apt-get here)" >&2
	exit 1
fi

policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e $policy ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null
	$sudo chmod 755 $policy
	made_policy=1
fi
trap '[ -z "$made_policy" ] || $sudo rm -f $policy' EXIT

echo "bench-peers: installing$missing" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086 # one word per package
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing </dev/null
