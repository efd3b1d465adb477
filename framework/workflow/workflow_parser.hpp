//===- workflow/workflow_parser.hpp - Workflow file -> model ----*- C++ -*-===//
#pragma once

#include "workflow/diagnostics.hpp"
#include "workflow/model.hpp"
#include "workflow/schema.hpp"

#include <string>

namespace milink::workflow {

/// Reads the whole file; throws InvalidInput naming the file when it cannot.
std::string read_file(const std::string& path);

/// SHA-256 of \p bytes, lowercase hex.
std::string sha256_hex(const std::string& bytes);

/// Parses \p text as JSON, filling \p map; malformed JSON becomes an
/// InvalidInput located at the problem.
milink::sdk::Value parse_input_document(const std::string& text, const std::string& file,
                                        milink::sdk::SourceMap& map);

/// Parses and structurally checks a workflow: JSON syntax, unknown or
/// mistyped keys, ids (snake_case, unique), uses-or-steps, for_each/as,
/// on_error. Does not look at plugins or expressions (validator.hpp does).
/// Throws InvalidInput with every problem found.
Workflow parse_workflow_file(const std::string& path);
Workflow parse_workflow_text(const std::string& text, const std::string& file);

/// Reports keys of \p obj that \p schema does not know, with suggestions,
/// and keys of the wrong JSON type.
void check_keys(const milink::sdk::Object& obj, const ObjectSchema& schema, const std::string& pointer,
                Diagnostics& diags);

}  // namespace milink::workflow
