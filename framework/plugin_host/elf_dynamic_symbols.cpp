//===- plugin_host/elf_dynamic_symbols.cpp ----------------------------------===//
#include "plugin_host/elf_dynamic_symbols.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

namespace milink::host {

namespace {

class ElfFile {
public:
  explicit ElfFile(const std::filesystem::path& file) : in_(file, std::ios::binary) {
    if (!in_) throw std::runtime_error("cannot open it");
  }

  template <typename T>
  T read_at(std::uint64_t offset) {
    T value;
    in_.seekg(static_cast<std::streamoff>(offset));
    if (!in_.read(reinterpret_cast<char*>(&value), sizeof value)) throw std::runtime_error("truncated ELF file");
    return value;
  }

  std::string read_string(std::uint64_t offset, std::uint64_t limit) {
    std::string out;
    in_.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    while (out.size() < limit && in_.get(c) && c != '\0') out += c;
    if (!in_) throw std::runtime_error("truncated ELF string table");
    return out;
  }

private:
  std::ifstream in_;
};

}  // namespace

std::vector<std::string> elf_dynamic_symbols_in_section(const std::filesystem::path& file, const std::string& section) {
  ElfFile elf(file);
  const auto header = elf.read_at<Elf64_Ehdr>(0);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) throw std::runtime_error("not an ELF file");
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB)
    throw std::runtime_error("not a 64-bit little-endian ELF file");
  if (header.e_shentsize != sizeof(Elf64_Shdr) || header.e_shnum == 0 || header.e_shstrndx >= header.e_shnum)
    throw std::runtime_error("ELF file without usable section headers");

  std::vector<Elf64_Shdr> sections(header.e_shnum);
  for (std::size_t i = 0; i < sections.size(); ++i)
    sections[i] = elf.read_at<Elf64_Shdr>(header.e_shoff + i * sizeof(Elf64_Shdr));
  const Elf64_Shdr& names = sections[header.e_shstrndx];

  std::size_t wanted = 0;  // 0 is SHN_UNDEF: no such section
  for (std::size_t i = 1; i < sections.size() && wanted == 0; ++i)
    if (elf.read_string(names.sh_offset + sections[i].sh_name, 256) == section) wanted = i;
  if (wanted == 0) return {};

  std::vector<std::string> out;
  for (const auto& s : sections) {
    if (s.sh_type != SHT_DYNSYM || s.sh_entsize != sizeof(Elf64_Sym) || s.sh_link >= sections.size()) continue;
    const Elf64_Shdr& strings = sections[s.sh_link];
    for (std::uint64_t off = 0; off + sizeof(Elf64_Sym) <= s.sh_size; off += sizeof(Elf64_Sym)) {
      const auto sym = elf.read_at<Elf64_Sym>(s.sh_offset + off);
      if (sym.st_shndx != wanted || sym.st_name == 0 || sym.st_name >= strings.sh_size) continue;
      out.push_back(elf.read_string(strings.sh_offset + sym.st_name, strings.sh_size - sym.st_name));
    }
  }
  return out;
}

}  // namespace milink::host
