#!/bin/sh
# Draws the README's picture: three counter_window windows and a
# counter_watch in its console, mid-run, in a Wine virtual desktop.
# "make screenshot" runs it under xvfb-run, which sets DISPLAY, with
# WINEPREFIX and the Wine settings in the environment.
#
# usage: scripts/screenshot.sh BIN_DIR WIDTHxHEIGHT OUT.png
set -eu

bin=$1 size=$2 out=$3
# A desktop of a new name: its explorer starts now, with this DISPLAY,
# even if the prefix's wineserver is still serving another desktop.
desktop=sc_screenshot_$$

# Debian's Wine 8 does not load the fonts of fonts-wine from its data
# folder, but does from the prefix's Fonts folder: Marlett draws the caption
# buttons, Tahoma the text.
cp -n /usr/share/wine/fonts/marlett.ttf /usr/share/wine/fonts/tahoma*.ttf \
    "$WINEPREFIX/drive_c/windows/Fonts/"

# The programs run from a folder of the prefix, so that the console's title
# shows C:\sharedcounter and not the folder this machine built them in.
dir="$WINEPREFIX/drive_c/sharedcounter"
mkdir -p "$dir"
for file in counter_watch.exe counter_window.exe counter_worker.exe \
    sharedcounter.dll; do
    cp "$1/$file" "$dir/"
done
bin=$dir

wineserver -p5 || test $? -eq 2
# counter_watch's console: 80 columns and 42 rows, and nothing to scroll.
key="HKCU\\Console\\$(winepath -w "$bin/counter_watch.exe" | tr '\\' _)"
for value in WindowSize ScreenBufferSize; do
    wine reg add "$key" /v "$value" /t REG_DWORD /d 0x002a0050 /f >/dev/null
done

in_desktop() {
    wine explorer "/desktop=$desktop,$size" "$@" </dev/null >/dev/null 2>&1 &
}

in_desktop wineconsole "$bin/counter_watch.exe"
sleep 3
for top in 0 240 480; do
    in_desktop "$bin/counter_window.exe" --left 676 --top $top
    sleep 1
done
workers=""
for delta in 1 3; do
    nice wine "$bin/counter_worker.exe" --times 100000000000 --delta $delta \
        </dev/null >/dev/null 2>&1 &
    workers="$workers $!"
done
sleep 5

# Stopping the workers for the moment of the picture lets every window
# catch up with the same value, while counter_watch still shows a rate:
# it measures over the last second.
kill -STOP $workers
sleep 0.7
xwd -root -silent | /usr/bin/convert xwd:- "$out"
kill -KILL $workers
for program in counter_window.exe counter_watch.exe; do
    wine taskkill /f /im $program >/dev/null 2>&1 || true
done
wineserver -w
echo "screenshot: wrote $out"
