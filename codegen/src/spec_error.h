#pragma once
#include <stdexcept>
#include <string>

namespace kgate::codegen {

// A message definition the generator refuses; the text names the file and the field.
class SpecError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace kgate::codegen
