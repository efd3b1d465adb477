// Static reference extraction from expressions and templates.

#include <catch2/catch.hpp>

#include "expr/expression.hpp"

#include <string>
#include <vector>

using milink::expr::Expression;
using milink::expr::Reference;
using milink::expr::Template;

namespace {

using Path = std::vector<std::string>;

std::vector<Reference> refs(const std::string& text) { return Expression::parse(text).references(); }

}  // namespace

TEST_CASE("a member chain is one reference", "[expr][references]") {
  const auto r = refs("steps.cert.outputs.name");
  REQUIRE(r.size() == 1);
  CHECK(r[0].path == Path{"steps", "cert", "outputs", "name"});
  CHECK(r[0].offset == 0);
  CHECK(r[0].text() == "steps.cert.outputs.name");
}

TEST_CASE("references in order, with offsets and literal indexes", "[expr][references]") {
  const std::string text = "inputs.a == config['b'].c && x[0].y || z[-1]";
  const auto r = refs(text);
  REQUIRE(r.size() == 4);
  CHECK(r[0].path == Path{"inputs", "a"});
  CHECK(r[0].offset == 0);
  CHECK(r[1].path == Path{"config", "b", "c"});
  CHECK(r[1].offset == text.find("config"));
  CHECK(r[1].text() == "config.b.c");
  CHECK(r[2].path == Path{"x", "0", "y"});
  CHECK(r[2].offset == text.find("x["));
  CHECK(r[3].path == Path{"z", "-1"});
  CHECK(r[3].offset == text.find("z["));
}

TEST_CASE("a computed index ends the chain and is searched itself", "[expr][references]") {
  const std::string text = "steps[inputs.id].outputs.x";
  const auto r = refs(text);
  REQUIRE(r.size() == 2);
  CHECK(r[0].path == Path{"steps"});
  CHECK(r[0].offset == 0);
  CHECK(r[1].path == Path{"inputs", "id"});
  CHECK(r[1].offset == 6);

  const auto nested = refs("a[b[0]].c");
  REQUIRE(nested.size() == 2);
  CHECK(nested[0].path == Path{"a"});
  CHECK(nested[1].path == Path{"b", "0"});
  CHECK(nested[1].offset == 2);

  // Only string and integer literals are path segments.
  const auto odd = refs("a[true].b");
  REQUIRE(odd.size() == 1);
  CHECK(odd[0].path == Path{"a"});
}

TEST_CASE("function names and literals are not references", "[expr][references]") {
  const auto r = refs("contains(inputs.list, 'a')");
  REQUIRE(r.size() == 1);
  CHECK(r[0].path == Path{"inputs", "list"});
  CHECK(r[0].offset == 9);

  const auto f = refs("format('{0}', toJSON(a.b))");
  REQUIRE(f.size() == 1);
  CHECK(f[0].path == Path{"a", "b"});

  CHECK(refs("'steps.x.outputs' == 1 || true").empty());
}

TEST_CASE("access on a function result is not a reference", "[expr][references]") {
  const auto r = refs("fromJSON(inputs.j).a.b");
  REQUIRE(r.size() == 1);
  CHECK(r[0].path == Path{"inputs", "j"});
  CHECK(r[0].offset == 9);
}

TEST_CASE("parentheses, negation and repeats", "[expr][references]") {
  const auto r = refs("!(a).b || a");
  REQUIRE(r.size() == 2);
  CHECK(r[0].path == Path{"a", "b"});
  CHECK(r[0].offset == 2);  // the root identifier, not the '('
  CHECK(r[1].path == Path{"a"});
  CHECK(r[1].offset == 10);

  const auto h = refs("steps.my-step.outputs['out-1']");
  REQUIRE(h.size() == 1);
  CHECK(h[0].text() == "steps.my-step.outputs.out-1");
}

TEST_CASE("template references have offsets into the template", "[expr][references][template]") {
  const std::string text = "x ${{ steps.a.outputs.b }} y ${{inputs.c || config['d'] }}";
  const auto r = Template::parse(text).references();
  REQUIRE(r.size() == 3);
  CHECK(r[0].path == Path{"steps", "a", "outputs", "b"});
  CHECK(r[0].offset == text.find("steps"));
  CHECK(r[1].path == Path{"inputs", "c"});
  CHECK(r[1].offset == text.find("inputs"));
  CHECK(r[2].path == Path{"config", "d"});
  CHECK(r[2].offset == text.find("config"));

  CHECK(Template::parse("no expressions").references().empty());
}
