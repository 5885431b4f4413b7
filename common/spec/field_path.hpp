#pragma once
// Which field of a YAML document a "FILE:LINE:COLUMN" diagnostic points at, as a dotted
// path, so a machine reader (the operator API's error details) need not parse messages.
//
//   field_path_at("services:\n  web:\n    replica: 3\n", 3, 5) == "services.web.replica"
//
// Sequence items are written "[i]": "services.web.ports[1]". Empty when the text does not
// parse or no key or value starts at that place (line and column are 1-based).
#include <string>
#include <string_view>

namespace berth::spec {

std::string field_path_at(std::string_view yaml, int line, int column);

}  // namespace berth::spec
