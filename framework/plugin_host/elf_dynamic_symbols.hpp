//===- plugin_host/elf_dynamic_symbols.hpp - Exported names of a stripped plugin -*- C++ -*-===//
///
/// \file
/// Boost.DLL 1.74's library_info reads only the full symbol table (.symtab),
/// which `strip` removes: every packaged plugin (Debian strips them, and so
/// does CPack) would look like it has no entry point. The dynamic symbol
/// table (.dynsym) survives stripping — it is what the dynamic linker
/// uses — so the loader falls back to it, still without mapping the file.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace milink::host {

/// Names of the dynamic symbols defined in section \p section of the 64-bit
/// little-endian ELF file \p file. Empty when the file has no such section
/// or no dynamic symbol table; throws std::runtime_error when the file is
/// not such an ELF file or is truncated.
std::vector<std::string> elf_dynamic_symbols_in_section(const std::filesystem::path& file, const std::string& section);

}  // namespace milink::host
