#!/usr/bin/env bash
# Rebuilds the fonts share cards are drawn with (Circly.Core/Sharing/Fonts) from Debian's Noto
# packages. Run by hand when the fonts should change; the result is committed. Needs apt (root)
# for `apt-get download` and `fonttools` (pyftsubset).
#
#   NotoSans-Bold.ttf        Latin, Greek, Cyrillic: subset to those scripts (515 KB -> ~250 KB)
#   NotoSansArabic-Bold.ttf  Arabic with its shaping tables: subset to the Arabic blocks
#   NotoColorEmoji.ttf       every emoji, with the ligatures that make flags, skin tones and
#                            ZWJ sequences: kept whole (see docs/SHARING.md for why)
#
# All three are under the SIL Open Font License 1.1 (no reserved font names), which allows
# bundling and subsetting; OFL.txt is copied beside them.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/Circly.Core/Sharing/Fonts"
command -v pyftsubset >/dev/null || apt-get install -y fonttools
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fonts-noto-core fonts-noto-color-emoji
for deb in *.deb; do dpkg-deb -x "$deb" x; done
noto=x/usr/share/fonts/truetype/noto

pyftsubset "$noto/NotoSans-Bold.ttf" --output-file="$out/NotoSans-Bold.ttf" --layout-features='*' --no-hinting \
  --unicodes="U+0020-007E,U+00A0-036F,U+0370-03FF,U+0400-052F,U+1C80-1C8F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2C60-2C7F,U+A640-A69F,U+A720-A7FF,U+FB00-FB06,U+FFFD"
pyftsubset "$noto/NotoSansArabic-Bold.ttf" --output-file="$out/NotoSansArabic-Bold.ttf" --layout-features='*' --no-hinting \
  --unicodes="U+0020,U+00A0,U+0600-06FF,U+0750-077F,U+08A0-08FF,U+200C-200F,U+25CC,U+FB50-FDFF,U+FE70-FEFF"
cp "$noto/NotoColorEmoji.ttf" "$out/NotoColorEmoji.ttf"
# The OFL text as Debian ships it with the emoji font (the same licence covers all three).
{
  echo "Noto Sans, Noto Sans Arabic: Copyright 2010, 2012-2020 Google Inc., 2015-2020 Google LLC."
  echo "Noto Color Emoji: Copyright 2013-2017 Google Inc."
  echo "Licensed under the SIL Open Font License, Version 1.1 (no Reserved Font Names):"
  echo
  sed -n '/^ SIL OPEN FONT LICENSE/,$p' x/usr/share/doc/fonts-noto-color-emoji/copyright | sed 's/^ //; s/^\.$//'
} > "$out/OFL.txt"
ls -l "$out"
