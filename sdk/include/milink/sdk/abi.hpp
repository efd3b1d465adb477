//===- milink/sdk/abi.hpp - ABI number and build fingerprint ----*- C++ -*-===//
///
/// \file
/// The two values a plugin reports so the loader can refuse it before any of
/// its code runs:
///
///  * \c MILINK_SDK_ABI, an integer that must match exactly. It is bumped for
///    any change to the layout or vtable of a class that crosses the plugin
///    boundary (see docs/abi-policy.md).
///  * \c MILINK_BUILD_FINGERPRINT, a string naming the compiler, the C++
///    standard library ABI, the language level and the Boost and POCO
///    versions. C++ vtables cross the boundary, so a plugin and milink must be
///    built the same way; an ABI integer alone cannot promise that (the
///    LLVM/AFL++ and Hyprland lessons in docs/abi-policy.md).
///
//===----------------------------------------------------------------------===//
#pragma once

// <cstddef> first: it defines _GLIBCXX_USE_CXX11_ABI / _LIBCPP_VERSION, which
// the fingerprint below reads. Without it the fingerprint would depend on
// what the including file happened to include before this header.
#include <cstddef>

#include <boost/version.hpp>
#include <Poco/Version.h>

/// The SDK ABI. Bump on every change to an exported class layout or vtable.
#define MILINK_SDK_ABI 6

#define MILINK_SDK_STR2(x) #x
#define MILINK_SDK_STR(x) MILINK_SDK_STR2(x)
#define MILINK_SDK_CAT2(a, b) a##b
#define MILINK_SDK_CAT(a, b) MILINK_SDK_CAT2(a, b)

#if defined(__clang__)
#define MILINK_SDK_COMPILER "clang-" MILINK_SDK_STR(__clang_major__) "." MILINK_SDK_STR(__clang_minor__)
#elif defined(__GNUC__)
#define MILINK_SDK_COMPILER "gcc-" MILINK_SDK_STR(__GNUC__) "." MILINK_SDK_STR(__GNUC_MINOR__)
#else
#define MILINK_SDK_COMPILER "unknown-compiler"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define MILINK_SDK_STDLIB "libstdc++/cxx11abi=" MILINK_SDK_STR(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define MILINK_SDK_STDLIB "libc++/" MILINK_SDK_STR(_LIBCPP_VERSION)
#else
#define MILINK_SDK_STDLIB "unknown-stdlib"
#endif

/// Everything that must be equal between milink and a plugin, as one string.
#define MILINK_BUILD_FINGERPRINT                                              \
  "abi=" MILINK_SDK_STR(MILINK_SDK_ABI) ";" MILINK_SDK_COMPILER ";"          \
  MILINK_SDK_STDLIB ";cplusplus=" MILINK_SDK_STR(__cplusplus)                 \
  ";boost=" MILINK_SDK_STR(BOOST_VERSION) ";poco=" MILINK_SDK_STR(POCO_VERSION)

/// Name of the exported entry alias. The ABI number is part of the name, so a
/// plugin built for another ABI is recognised from its symbol table alone,
/// without mapping the file (boost::dll::library_info).
#define MILINK_PLUGIN_ENTRY MILINK_SDK_CAT(milink_plugin_abi_, MILINK_SDK_ABI)
#define MILINK_PLUGIN_ENTRY_PREFIX "milink_plugin_abi_"
