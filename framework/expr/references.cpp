//===- expr/references.cpp - Static reference extraction ------------------===//
///
/// \file
/// Expression::references: the context paths an expression reads, found
/// without evaluating it, so that the loader can check `steps.x` names a step
/// and the planner can order steps by what they read.
///
//===----------------------------------------------------------------------===//

#include "ast.hpp"
#include "expression.hpp"

#include <algorithm>

namespace milink::expr {

std::string Reference::text() const {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i) out += '.';
    out += path[i];
  }
  return out;
}

namespace {

/// The segment a literal index contributes ("b" for a['b'], "0" for a[0]),
/// or false when the index is computed.
bool literal_segment(const Node& index, std::string& out) {
  if (index.kind != NodeKind::Literal) return false;
  if (index.value.is_string()) {
    out = index.value.as_string();
    return true;
  }
  if (index.value.is_int()) {
    out = std::to_string(index.value.as_int());
    return true;
  }
  return false;
}

void collect(const Node& n, std::vector<Reference>& out);

/// \p n is a Name, Member or Index. Emits the longest chain from its root
/// name, then visits what the chain does not cover: computed indexes and a
/// base that is not a name (fromJSON(x).a).
void collect_chain(const Node& n, std::vector<Reference>& out) {
  // Accesses from the outermost inwards.
  std::vector<const Node*> chain;
  const Node* base = &n;
  while (base->kind == NodeKind::Member || base->kind == NodeKind::Index) {
    chain.push_back(base);
    base = base->children[0].get();
  }
  std::reverse(chain.begin(), chain.end());

  if (base->kind == NodeKind::Name) {
    Reference ref;
    ref.offset = base->pos;
    ref.path.push_back(base->name);
    for (const Node* access : chain) {
      std::string segment;
      if (access->kind == NodeKind::Member) {
        segment = access->name;
      } else if (!literal_segment(*access->children[1], segment)) {
        break;
      }
      ref.path.push_back(std::move(segment));
    }
    out.push_back(std::move(ref));
  } else {
    collect(*base, out);
  }
  for (const Node* access : chain)
    if (access->kind == NodeKind::Index) collect(*access->children[1], out);
}

void collect(const Node& n, std::vector<Reference>& out) {
  switch (n.kind) {
    case NodeKind::Literal: return;
    case NodeKind::Name:
    case NodeKind::Member:
    case NodeKind::Index: collect_chain(n, out); return;
    case NodeKind::Call:  // the function name itself is no reference
    case NodeKind::Not:
    case NodeKind::Binary:
      for (const NodePtr& c : n.children) collect(*c, out);
      return;
  }
}

}  // namespace

std::vector<Reference> Expression::references() const {
  std::vector<Reference> out;
  if (root_) collect(*root_, out);
  // Already in source order; the sort is a safety net for future node kinds.
  std::stable_sort(out.begin(), out.end(),
                   [](const Reference& a, const Reference& b) { return a.offset < b.offset; });
  return out;
}

}  // namespace milink::expr
