# Sourced by start.sh and test.sh: installs the Debian packages PoolScope needs and lacks.
# apt-get through sudo when not root; nothing is installed that is already there.
poolscope_packages=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-charts-dev qt6-svg-dev qt6-tools-dev qt6-qpa-plugins qtkeychain-qt6-dev
    libssl-dev libgl-dev fonts-dejavu-core
)
poolscope_test_packages=(
    dbus dbus-x11 gnome-keyring libsecret-tools nginx-light openssl prometheus xauth xvfb
)

poolscope_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    echo "Installing Debian packages: ${missing[*]}" >&2
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; return 1; }
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null || return 1
}
