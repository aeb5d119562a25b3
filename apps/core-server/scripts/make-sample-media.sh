#!/usr/bin/env sh
# Regenerates the sample lineup's media clips (apps/core-server/media/) with ffmpeg.
#
# The committed clips are what ship: nothing in the project runs ffmpeg at run time or in
# CI. Run this only to change the clips, then update lineup/sample-lineup.json if a clip's
# frame count or rate changed, and commit both.
#
# Every clip is 10–20 s of MPEG-TS (H.264 Main + AAC-LC 48 kHz stereo), 320x240,
# a keyframe every second and no B-frames (fast tune-in, clean cuts at boundaries), with a picture and tone distinct per channel
# and the channel number burnt in, so a viewer can tell channels and items apart.
# Bit-exact flags keep a regeneration from changing the bytes needlessly.
#
# Usage: scripts/make-sample-media.sh [output dir]   (default: ../media beside this script)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../media"}
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

command -v ffmpeg >/dev/null || { echo "ffmpeg is required (apt-get install ffmpeg)" >&2; exit 1; }

# clip <file> <video filter graph producing 320x240 at fps> <fps N/D> <frames> <tone Hz> <beep factor (0 = steady)> <label>
clip() {
  file=$1 source=$2 fps=$3 frames=$4 tone=$5 beep=$6 label=$7
  mkdir -p "$out/$(dirname "$file")"
  # Clip length in seconds for the audio source: frames * D / N.
  seconds=$(awk -v f="$frames" -v r="$fps" 'BEGIN { split(r, p, "/"); printf "%.6f", f * p[2] / p[1] }')
  text=""
  if [ -f "$font" ]; then
    text=",drawtext=fontfile=$font:text='$label':fontsize=20:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6:x=(w-text_w)/2:y=h-text_h-16"
  fi
  # Both inputs end by themselves (trim, duration): an output-side -frames:v would stop the
  # muxer with the last second of audio still queued, leaving the clip's end silent.
  audio="sine=frequency=$tone:sample_rate=48000:duration=$seconds"
  [ "$beep" != 0 ] && audio="$audio:beep_factor=$beep"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "$source,trim=end_frame=$frames,format=yuv420p$text" \
    -f lavfi -i "$audio" \
    -c:v libx264 -profile:v main -preset veryslow -crf 30 -maxrate 300k -bufsize 600k \
    -g 30 -keyint_min 30 -sc_threshold 0 -bf 0 -threads 1 \
    -c:a aac -b:a 64k -ar 48000 -ac 2 \
    -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
    -f mpegts -mpegts_flags +resend_headers \
    "$out/$file"
  echo "$file: $frames frames at $fps"
}

# Each clip is exactly as long as its playlist item (the engine plays an item's frame_count
# frames and pads black past the end of its file: a shorter clip would show black).
# Channel 1, 30/1: SMPTE bars with a steady 1 kHz tone; a moving test card with 1 kHz beeps.
clip ch1/bars.ts      "smptebars=size=320x240:rate=30"  30/1 450 1000 0 "CH 1  Color Bars"
clip ch1/test-card.ts "testsrc=size=320x240:rate=30"    30/1 600 1000 2 "CH 1  Test Card"
# Channel 2, 30/1: testsrc2 at 440 Hz; RGB test pattern at 440 Hz with beeps.
clip ch2/pattern.ts   "testsrc2=size=320x240:rate=30"   30/1 600 440 0 "CH 2  Pattern"
clip ch2/rgb.ts       "rgbtestsrc=size=320x240:rate=30" 30/1 450 440 3 "CH 2  RGB"
# Channel 3, 25/1: a Mandelbrot zoom at 660 Hz; YUV test pattern at 660 Hz with beeps.
clip ch3/fractal.ts   "mandelbrot=size=320x240:rate=25" 25/1 450 660 0 "CH 3  Fractal"
clip ch3/yuv.ts       "yuvtestsrc=size=320x240:rate=25" 25/1 300 660 2 "CH 3  YUV"
# Channel 4, 30/1: Conway's life at 880 Hz; a rule-110 automaton with beeps. (It was 30000/1001;
# the real AIR engine stalls ~12 s after a scheduled switch into NTSC-rate clips, see
# test-real-air/README.md, so the samples keep to rates it plays. Core's NTSC frame math is
# pinned by unit tests.)
clip ch4/life.ts      "life=size=80x60:rate=30:seed=42:mold=10:life_color=0x00ff88:death_color=0x002244,scale=320:240:flags=neighbor" 30/1 600 880 0 "CH 4  Life"
clip ch4/automaton.ts "cellauto=rule=110:seed=42:random_fill_ratio=0.5:size=160x120:rate=30,scale=320:240:flags=neighbor" 30/1 450 880 2 "CH 4  Automaton"
