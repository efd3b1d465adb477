#include <milink/sdk/base64.hpp>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/MemoryStream.h>
#include <Poco/StreamCopier.h>

#include <sstream>

namespace milink::sdk::base64 {

namespace {

bool in_alphabet(char c, Alphabet alphabet) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return alphabet == Alphabet::url ? (c == '-' || c == '_') : (c == '+' || c == '/');
}

int poco_options(Alphabet alphabet) {
  return alphabet == Alphabet::url ? (Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING) : 0;
}

}  // namespace

std::string encode(std::string_view bytes, Alphabet alphabet) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, poco_options(alphabet));
  encoder.rdbuf()->setLineLength(0);
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

std::optional<std::string> decode(std::string_view text, Alphabet alphabet) {
  // POCO skips whitespace and reads a short last group loosely; check the
  // shape first so that only what an encoder writes is accepted.
  std::string_view body = text;
  while (!body.empty() && body.back() == '=') body.remove_suffix(1);
  std::size_t padding = text.size() - body.size();
  if (body.size() % 4 == 1 || padding > 2) return std::nullopt;
  if (padding > 0 && (body.size() + padding) % 4 != 0) return std::nullopt;
  for (char c : body)
    if (!in_alphabet(c, alphabet)) return std::nullopt;
  std::string padded(body);
  padded.append((4 - body.size() % 4) % 4, '=');
  try {
    Poco::MemoryInputStream in(padded.data(), padded.size());
    Poco::Base64Decoder decoder(in, alphabet == Alphabet::url ? Poco::BASE64_URL_ENCODING : 0);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

}  // namespace milink::sdk::base64
