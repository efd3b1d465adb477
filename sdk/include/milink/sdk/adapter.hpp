//===- milink/sdk/adapter.hpp - Plain classes to boundary interfaces -*- C++ -*-===//
///
/// \file
/// A step author writes an ordinary class:
///
/// \code
///   class SetOption {
///   public:
///     struct Config { std::string database; bool on; };
///     static milink::sdk::StepSpec spec();
///     static Config configure(const milink::sdk::Params& p);   // may throw ConfigError
///     milink::sdk::Observation observe(const Config&, milink::sdk::Context&);
///     milink::sdk::Plan plan(const Config&, milink::sdk::Context&);
///     void apply(const Config&, milink::sdk::Context&);
///   };
/// \endcode
///
/// and StepAdapter<SetOption> implements StepFactory and StepInstance around
/// it. The adapter is instantiated inside the plugin, so every exception the
/// class throws is caught there and comes back as a Status. apply() never
/// sees raw JSON: it gets the Config that configure() built once.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/context.hpp>
#include <milink/sdk/provider.hpp>
#include <milink/sdk/step.hpp>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace milink::sdk {
namespace detail {

/// Runs \p fn, turning any exception into a failed Status.
template <typename Fn>
Status guarded(Fn&& fn) noexcept {
  try {
    fn();
    return Status::success();
  } catch (const ConfigError& e) {
    return Status::failure(e.what(), e.field());
  } catch (const std::exception& e) {
    return Status::failure(e.what());
  } catch (...) {
    return Status::failure("unknown exception (not derived from std::exception)");
  }
}

template <typename T, typename = void>
struct has_config : std::false_type {};
template <typename T>
struct has_config<T, std::void_t<typename T::Config>> : std::true_type {};

template <typename T>
class AdaptedStep final : public StepInstance {
public:
  explicit AdaptedStep(typename T::Config config) : config_(std::move(config)) {}

  Status observe(StepContext& ctx, Observation& out) noexcept override {
    return guarded([&] {
      Context c(ctx);
      out = step_.observe(static_cast<const typename T::Config&>(config_), c);
    });
  }
  Status plan(StepContext& ctx, Plan& out) noexcept override {
    return guarded([&] {
      Context c(ctx);
      out = step_.plan(static_cast<const typename T::Config&>(config_), c);
    });
  }
  Status apply(StepContext& ctx) noexcept override {
    return guarded([&] {
      Context c(ctx);
      step_.apply(static_cast<const typename T::Config&>(config_), c);
    });
  }

private:
  typename T::Config config_;
  T step_;
};

}  // namespace detail

template <typename T>
class StepAdapter final : public StepFactory {
  static_assert(detail::has_config<T>::value,
                "a milink step class needs a nested type: struct Config { ... };");
  static_assert(std::is_same_v<decltype(T::spec()), StepSpec>,
                "a milink step class needs: static milink::sdk::StepSpec spec();");
  static_assert(std::is_same_v<decltype(T::configure(std::declval<const Params&>())), typename T::Config>,
                "a milink step class needs: static Config configure(const milink::sdk::Params&);");
  static_assert(std::is_same_v<decltype(std::declval<T&>().observe(std::declval<const typename T::Config&>(),
                                                                    std::declval<Context&>())),
                               Observation>,
                "a milink step class needs: milink::sdk::Observation observe(const Config&, milink::sdk::Context&);");
  static_assert(std::is_same_v<decltype(std::declval<T&>().plan(std::declval<const typename T::Config&>(),
                                                                 std::declval<Context&>())),
                               Plan>,
                "a milink step class needs: milink::sdk::Plan plan(const Config&, milink::sdk::Context&);");
  static_assert(std::is_void_v<decltype(std::declval<T&>().apply(std::declval<const typename T::Config&>(),
                                                                  std::declval<Context&>()))>,
                "a milink step class needs: void apply(const Config&, milink::sdk::Context&);");
  static_assert(std::is_default_constructible_v<T>, "a milink step class must be default-constructible");

public:
  /// Throws whatever T::spec() throws; PluginRegistrar::add_step catches it.
  StepAdapter() : spec_(T::spec()) {}

  const StepSpec& spec() const noexcept override { return spec_; }

  Status create(const Params& params, std::unique_ptr<StepInstance>& out) const noexcept override {
    return detail::guarded([&] { out = std::make_unique<detail::AdaptedStep<T>>(T::configure(params)); });
  }

private:
  StepSpec spec_;
};

/// A provider author writes a class deriving from the provider interface
/// (e.g. a credential interface) with:
///   static milink::sdk::ProviderSpec spec();
///   static std::unique_ptr<Self> create(const milink::sdk::Params&);  // may throw
template <typename T>
class ProviderAdapter final : public ProviderFactory {
  static_assert(std::is_base_of_v<Provider, T>, "a milink provider must derive from milink::sdk::Provider");
  static_assert(std::is_same_v<decltype(T::spec()), ProviderSpec>,
                "a milink provider needs: static milink::sdk::ProviderSpec spec();");
  static_assert(std::is_same_v<decltype(T::create(std::declval<const Params&>())), std::unique_ptr<T>>,
                "a milink provider needs: static std::unique_ptr<Self> create(const milink::sdk::Params&);");

public:
  ProviderAdapter() : spec_(T::spec()) {}
  const ProviderSpec& spec() const noexcept override { return spec_; }
  Status create(const Params& params, std::unique_ptr<Provider>& out) const noexcept override {
    return detail::guarded([&] { out = T::create(params); });
  }

private:
  ProviderSpec spec_;
};

}  // namespace milink::sdk
