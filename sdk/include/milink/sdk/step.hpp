//===- milink/sdk/step.hpp - The framework-facing step interfaces -*- C++ -*-===//
///
/// \file
/// What milink calls. Plugin authors normally do not implement these
/// directly: they write a plain class and let StepAdapter (adapter.hpp)
/// implement them, catching every exception inside the plugin.
///
/// A step is executed as:  create (typed config) -> observe -> apply,
/// or create -> plan for `milink plan`, or create -> observe -> plan for
/// `--dry-run`. observe() runs before apply() on every run, which is what
/// makes a second run of a finished workflow a no-op.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/params.hpp>
#include <milink/sdk/result.hpp>
#include <milink/sdk/services.hpp>
#include <milink/sdk/spec.hpp>

#include <memory>

namespace milink::sdk {

/// One configured step: a parsed, typed config plus the operations.
/// Owned by milink, which keeps the plugin loaded while it lives. One
/// instance serves one for_each item; milink never calls one instance from
/// two threads at once.
class StepInstance {
public:
  virtual ~StepInstance();

  /// Required. Read-only. Decides whether the desired state is already
  /// there. When it answers Satisfied it must also set every declared
  /// output (later steps read them). Must not change anything.
  virtual Status observe(StepContext& ctx, Observation& out) noexcept = 0;

  /// Required. The exact actions apply() would take, for review. Called
  /// after observe() said NeedsChange (`milink plan`, `--dry-run`: both read
  /// only), or without observe() when an input is a placeholder or under
  /// `milink plan --offline`, where ctx.sql()/ctx.arm() calls fail: values
  /// only known at run time arrive as Value::unknown placeholders, and what
  /// the step would read itself should then be shown as one ("<...>").
  /// Reading (never changing) is allowed whenever it succeeds.
  /// Optional: it may set the outputs it already knows (ctx.output(), e.g.
  /// a name from the config or from observe()); they must be what apply()
  /// will set. milink gives them to later steps' plans instead of
  /// placeholders, unless one of this step's own inputs was a placeholder.
  virtual Status plan(StepContext& ctx, Plan& out) noexcept = 0;

  /// Required. Makes the change and sets every declared output. Must be
  /// safe to repeat after a crash part-way through (resume re-runs a step
  /// that started and did not finish).
  virtual Status apply(StepContext& ctx) noexcept = 0;
};

/// Made by the plugin at load; owned by milink's registry.
class StepFactory {
public:
  virtual ~StepFactory();
  /// Required. The spec; the reference stays valid while the factory lives.
  /// Thread safety: any thread.
  virtual const StepSpec& spec() const noexcept = 0;
  /// Required. Parses \p params (already checked against the spec, defaults
  /// applied) into a typed config and returns an instance. On a bad value
  /// returns a failed Status naming the field. Thread safety: any thread.
  virtual Status create(const Params& params, std::unique_ptr<StepInstance>& out) const noexcept = 0;
};

}  // namespace milink::sdk
