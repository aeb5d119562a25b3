#!/usr/bin/env bash
# Makes the four sample channel logos (128x128 PNG, a few hundred bytes each) under
# media/logos/. Shapes only (no font needed), so the output is the same on every machine.
set -euo pipefail
cd "$(dirname "$0")/../media"
mkdir -p logos
logo() { # <n> <background> <drawbox filters>
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "color=c=$2:s=128x128:d=1" -frames:v 1 \
    -vf "$3" -pix_fmt rgb24 -flags +bitexact "logos/$1.png"
}
# 1: one white bar; 2: two bars; 3: three bars; 4: four squares (the channel number, countable).
logo ch1 0x1f4e9a "drawbox=x=56:y=24:w=16:h=80:c=white:t=fill"
logo ch2 0x9a1f3c "drawbox=x=36:y=24:w=16:h=80:c=white:t=fill,drawbox=x=76:y=24:w=16:h=80:c=white:t=fill"
logo ch3 0x1f7a3c "drawbox=x=24:y=24:w=16:h=80:c=white:t=fill,drawbox=x=56:y=24:w=16:h=80:c=white:t=fill,drawbox=x=88:y=24:w=16:h=80:c=white:t=fill"
logo ch4 0x8a6d1f "drawbox=x=24:y=24:w=32:h=32:c=white:t=fill,drawbox=x=72:y=24:w=32:h=32:c=white:t=fill,drawbox=x=24:y=72:w=32:h=32:c=white:t=fill,drawbox=x=72:y=72:w=32:h=32:c=white:t=fill"
