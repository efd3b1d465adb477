//===- milink/sdk/sdk.hpp - Everything a step plugin needs ------*- C++ -*-===//
#pragma once
#include <milink/sdk/adapter.hpp>
#include <milink/sdk/arm.hpp>
#include <milink/sdk/context.hpp>
#include <milink/sdk/credential.hpp>
#include <milink/sdk/http.hpp>
#include <milink/sdk/json.hpp>
#include <milink/sdk/params.hpp>
#include <milink/sdk/plugin.hpp>
#include <milink/sdk/provider.hpp>
#include <milink/sdk/quote.hpp>
#include <milink/sdk/result.hpp>
#include <milink/sdk/services.hpp>
#include <milink/sdk/spec.hpp>
#include <milink/sdk/sql.hpp>
#include <milink/sdk/step.hpp>
#include <milink/sdk/value.hpp>
