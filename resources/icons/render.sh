#!/usr/bin/env bash
# Renders the committed PNG, .ico and .icns icons from the SVG. Run by hand after changing the
# SVG (needs librsvg2-bin, imagemagick, icnsutils); the build only installs the results.
set -euo pipefail
cd "$(dirname "$0")"
id=io.github.poolscope.PoolScope
for s in 16 22 24 32 48 64 128 256 512; do
    mkdir -p "hicolor/${s}x${s}"
    rsvg-convert -w "$s" -h "$s" "$id.svg" -o "hicolor/${s}x${s}/$id.png"
done
# Windows: one .ico with the sizes Explorer asks for.
convert hicolor/{16x16,24x24,32x32,48x48,64x64,256x256}/"$id.png" ../../installer/windows/poolscope.ico
# macOS: png2icns takes the sizes the .icns format has slots for.
png2icns ../../installer/macos/poolscope.icns hicolor/{16x16,32x32,48x48,128x128,256x256,512x512}/"$id.png" >/dev/null
