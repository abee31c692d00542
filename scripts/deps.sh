# Installs what building Kinship needs on Debian or Ubuntu. Sourced by scripts/run and scripts/test.
# Usage: install_deps [extra Debian packages…]

# The libraries Tauri's WebKitGTK window builds against (https://v2.tauri.app/start/prerequisites/).
KINSHIP_BUILD_PACKAGES="build-essential pkg-config file libwebkit2gtk-4.1-dev libxdo-dev libssl-dev librsvg2-dev"

install_deps() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "Kinship needs a Rust toolchain: install it from https://rustup.rs and run this again." >&2
        exit 1
    fi
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "Not a Debian or Ubuntu system: install Tauri's prerequisites for your OS (see README.md), then use cargo directly." >&2
        return 0
    fi
    local missing=()
    for pkg in $KINSHIP_BUILD_PACKAGES "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        local sudo=""
        if [ "$(id -u)" -ne 0 ]; then
            if ! command -v sudo >/dev/null 2>&1; then
                echo "Kinship needs these system packages; as root, run:" >&2
                echo "  apt-get install -y ${missing[*]}" >&2
                exit 1
            fi
            sudo="sudo"
        fi
        echo "Installing system packages: ${missing[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
    fi
}
