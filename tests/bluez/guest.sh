#!/bin/sh
# Inside the VM, as root: kernel modules, the system D-Bus, then the scenarios (which run
# bluetoothd themselves, so that they can kill and restart it). Arguments go to scenarios.py.
set -u
cd "$(dirname "$0")/../.."
LOGS=${LIIKE_BLUEZ_LOGS:-/tmp/liike-bluez}
mkdir -p "$LOGS" /run/dbus /var/lib/bluetooth
modprobe bluetooth 2>/dev/null
modprobe hci_vhci || { echo "BLUEZ-FATAL hci_vhci module missing"; exit 2; }
dbus-daemon --system --fork || { echo "BLUEZ-FATAL no system D-Bus"; exit 2; }
echo "BLUEZ-GUEST up: kernel $(uname -r), $(/usr/libexec/bluetooth/bluetoothd --version 2>/dev/null | sed 's/^/bluetoothd /')"
.venv/bin/python tests/bluez/scenarios.py --log-dir "$LOGS" "$@"
rc=$?
echo "BLUEZ-GUEST done rc=$rc"
exit $rc
