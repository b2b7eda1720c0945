// Module entry: exports the socket factories and the TransparentUdp class.
// SpliceRelay (splice_relay.cc): the zero-copy TCP relay of established flows.
// Dialer (dialer.cc): outbound connects in a native thread.
#include <napi.h>

#include "dialer.h"
#include "sockets.h"
#include "splice_relay.h"
#include "transparent_udp.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("createTransparentTcpListener", Napi::Function::New(env, sy::CreateTransparentTcpListener));
  exports.Set("createMarkedTcpSocket", Napi::Function::New(env, sy::CreateMarkedTcpSocket));
  exports.Set("createMarkedUdpSocket", Napi::Function::New(env, sy::CreateMarkedUdpSocket));
  exports.Set("closeFd", Napi::Function::New(env, sy::CloseFd));
  exports.Set("TransparentUdp", sy::TransparentUdp::Init(env));
  exports.Set("SpliceRelay", sy::SpliceRelay::Init(env));
  exports.Set("Dialer", sy::Dialer::Init(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(switchyard_native, Init)
