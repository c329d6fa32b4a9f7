#!/usr/bin/env bash
# Installs the Debian packages the end-to-end tests use (ffmpeg, GStreamer with its rtsp, good,
# bad, ugly and libav plugins, openssl) when any is missing. Idempotent and quick when all are there.
set -euo pipefail
have_all() {
  command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null && command -v openssl >/dev/null &&
    command -v gst-launch-1.0 >/dev/null && command -v gst-inspect-1.0 >/dev/null &&
    gst-inspect-1.0 rtspsrc >/dev/null 2>&1 && gst-inspect-1.0 rtspclientsink >/dev/null 2>&1 &&
    gst-inspect-1.0 x264enc >/dev/null 2>&1 && gst-inspect-1.0 avdec_h264 >/dev/null 2>&1 &&
    gst-inspect-1.0 rtph264depay >/dev/null 2>&1
}
if have_all; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "install_system_deps: ffmpeg/GStreamer missing and apt-get unavailable (not root?): end-to-end tests will be skipped" >&2
  exit 0
fi
echo "install_system_deps: installing ffmpeg and GStreamer from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends ffmpeg openssl gstreamer1.0-tools gstreamer1.0-rtsp \
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
  gstreamer1.0-plugins-ugly gstreamer1.0-libav >/dev/null
have_all || { echo "install_system_deps: packages installed but a tool or plugin is still missing" >&2; exit 1; }
