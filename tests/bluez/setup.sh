#!/bin/sh
# What `make test-bluez` needs beyond the project's own venv: Debian packages (qemu, a Debian
# kernel, BlueZ, D-Bus, busybox for virtme-ng's init) and virtme-ng in a venv of its own.
# Installs only what is missing; needs root (or sudo) for apt-get.
set -eu
VNG_VENV=${1:-.venv-vng}
VNG_VERSION=1.42
need=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
ls /boot/vmlinuz-*-amd64 >/dev/null 2>&1 || need="$need linux-image-amd64"
[ -x /usr/libexec/bluetooth/bluetoothd ] || need="$need bluez"
command -v dbus-daemon >/dev/null 2>&1 || need="$need dbus"
[ -x /bin/busybox ] || need="$need busybox-static"
if [ -n "$need" ]; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    echo "test-bluez: installing$need"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $need
fi
if [ ! -x "$VNG_VENV/bin/vng" ]; then
    python3 -m venv "$VNG_VENV"
    "$VNG_VENV/bin/python" -m pip install --quiet "virtme-ng==$VNG_VERSION"
fi
