#!/usr/bin/env bash
# Installs the Rollcall edge agent on a Debian site box (run as root from a repository checkout):
#   agent/install.sh [--binary PATH] [--config PATH] [--certs DIR]
# Creates the non-root `rollcall-agent` user (member of `video`), installs the binary, the configuration and the
# TLS files (keys 0600), the systemd unit, checks the configuration and starts the service.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=".build/release/rollcall-agent"
config="config/agent.yaml"
certs=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --config) config="$2"; shift 2 ;;
        --certs) certs="$2"; shift 2 ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 64 ;;
    esac
done

[[ $EUID -eq 0 ]] || { echo "install.sh: run as root" >&2; exit 77; }
[[ -x "$binary" ]] || { echo "install.sh: $binary not found; build it: swift build -c release --product rollcall-agent" >&2; exit 66; }

apt-get install -y --no-install-recommends libv4l-0 libmosquitto1 libturbojpeg0 libopenblas0 libpng16-16 >/dev/null

getent group video >/dev/null || groupadd --system video
if ! id rollcall-agent >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/rollcall-agent --shell /usr/sbin/nologin --groups video rollcall-agent
else
    usermod -a -G video rollcall-agent
fi

install -m 0755 "$binary" /usr/local/bin/rollcall-agent
install -d -m 0750 -o root -g rollcall-agent /etc/rollcall-agent
if [[ ! -e /etc/rollcall-agent/agent.yaml ]]; then
    install -m 0640 -o root -g rollcall-agent "$config" /etc/rollcall-agent/agent.yaml
else
    echo "install.sh: keeping existing /etc/rollcall-agent/agent.yaml"
fi
if [[ -n "$certs" ]]; then
    install -m 0644 -o root -g rollcall-agent "$certs/ca.pem" /etc/rollcall-agent/ca.pem
    install -m 0644 -o root -g rollcall-agent "$certs/agent.pem" /etc/rollcall-agent/agent.pem
    install -m 0640 -o root -g rollcall-agent "$certs/agent.key" /etc/rollcall-agent/agent.key
fi
install -d -m 0750 -o rollcall-agent -g rollcall-agent /var/lib/rollcall-agent /var/lib/rollcall-agent/outbox \
    /var/lib/rollcall-agent/gallery
install -d -m 0755 /usr/local/share/doc/rollcall
install -m 0644 docs/operations.md /usr/local/share/doc/rollcall/operations.md
install -m 0644 agent/rollcall-agent.service /etc/systemd/system/rollcall-agent.service

# Refuse to start with a configuration that does not validate (the error names the key).
runuser -u rollcall-agent -- /usr/local/bin/rollcall-agent run --config /etc/rollcall-agent/agent.yaml --check

systemctl daemon-reload
systemctl enable --now rollcall-agent.service
systemctl --no-pager status rollcall-agent.service || true
