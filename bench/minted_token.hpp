//===- bench/minted_token.hpp - A fixed bearer token for benches -*- C++ -*-===//
///
/// \file
/// A credential provider that hands out one token (minted by the emulated
/// Entra ID, EmulatorAzure::mint_token()), valid for an hour, so a bench
/// measures ARM requests and not token requests.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/credential.hpp>

#include <ctime>
#include <string>
#include <utility>

namespace milink::bench {

class MintedToken final : public milink::sdk::CredentialProviderBase {
public:
  explicit MintedToken(std::string token) : token_(std::move(token)) {}

protected:
  milink::sdk::AccessToken fetch(const milink::sdk::TokenRequest&, milink::sdk::HttpClient&) override {
    return {token_, std::time(nullptr) + 3600};
  }

private:
  std::string token_;
};

}  // namespace milink::bench
