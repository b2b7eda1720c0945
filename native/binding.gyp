# The switchyard native addon: transparent / marked sockets handed to Node as
# fds, and the transparent UDP path. Built by node-gyp at `npm ci` (the root
# package's `install` script runs node-gyp-build in this folder), loaded with
# node-gyp-build, so prebuilds under native/prebuilds/ work as well.
{
  "targets": [
    {
      "target_name": "switchyard_native",
      "sources": [
        "src/addon.cc",
        "src/errors.cc",
        "src/sockaddr.cc",
        "src/sockets.cc",
        "src/transparent_udp.cc",
        "src/splice_relay.cc",
        "src/dialer.cc",
        "src/thread_io.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-O3"],
      "cflags": ["-O2", "-fexceptions", "-Wall", "-Wextra"],
      "cflags_cc": ["-O2", "-fexceptions", "-std=c++17", "-Wall", "-Wextra"],
      "conditions": [
        ["OS!='linux'", { "sources!": ["src/sockets.cc", "src/transparent_udp.cc", "src/splice_relay.cc", "src/dialer.cc", "src/thread_io.cc"] }]
      ]
    }
  ]
}
